"""QR code modules, the same as segno's, at a third of its cost (printing.qr_svg).

segno draws each code module by module: it builds the matrix, walks it to place the
codewords, and walks it again to apply the mask; at 10,000 services that was over a
tenth of the build. With the error level and the mask fixed (printing.qr_svg), all of
that depends on the version alone: the function patterns, the format and version
information, where each bit of the message goes and what the mask makes of it. So this
module asks segno for the message (its segments, version, error level, padding and
Reed-Solomon blocks) and draws the matrix from a template of that version made once
by segno's own functions: the template with every message bit 0, and for each message
bit the row and column it flips. tests/test_reach.py compares the result with segno's
matrix for many addresses.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain, zip_longest

_ONE = re.compile("1")


@lru_cache(maxsize=None)
def _template(version: int, error: int, mask: int) -> tuple[int, list[int], list[int], list[int]]:
    """(width, the rows with every message bit 0, as integers with column 0 the highest
    bit; for each message bit k, its row and its column's bit)."""
    from segno import encoder as E
    width = E.calc_matrix_size(version)
    matrix = E.make_matrix(width, width)
    E.add_finder_patterns(matrix, width, width)
    E.add_alignment_patterns(matrix, width, width)
    # Where segno's add_codewords puts the message bits, in order (a QR code, not micro).
    places = []
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if matrix[i][j] == 0x2:
                    places.append((i, j))
                    matrix[i][j] = 0  # so each module is taken once
    E.find_and_apply_best_mask(matrix, width, width, mask)
    E.add_format_info(matrix, version, error, mask)
    E.add_version_info(matrix, version)
    rows = [int("".join("1" if v else "0" for v in row), 2) for row in matrix]
    return width, rows, [i for i, _ in places], [1 << (width - 1 - j) for _, j in places]


@lru_cache(maxsize=None)
def _generator(n: int) -> tuple[int, ...]:
    """For each byte c, c times the Reed-Solomon generator polynomial of `n` error
    codewords (its leading term left out), as an integer of n bytes."""
    from segno import consts
    log, exp, gen = consts.GALIOS_LOG, consts.GALIOS_EXP, consts.GEN_POLY[n]
    return (0,) + tuple(int.from_bytes(bytes(exp[log[c] + g] for g in gen), "big")
                        for c in range(1, 256))


def _blocks(ec_infos, codewords: list[int]) -> tuple[list[bytes], list[bytes]]:
    """segno's encoder.make_blocks: the data blocks and their error codewords (the
    remainder of the division by the generator, computed a byte at a time on integers)."""
    data, ecc = [], []
    at = 0
    for info in ec_infos:
        n = info.num_total - info.num_data
        table, shift, mask = _generator(n), 8 * (n - 1), (1 << (8 * n)) - 1
        for _ in range(info.num_blocks):
            block = codewords[at:at + info.num_data]
            at += info.num_data
            rem = 0
            for b in block:
                rem = ((rem << 8) & mask) ^ table[(rem >> shift) ^ b]
            data.append(block)
            ecc.append(rem.to_bytes(n, "big"))
    return data, ecc


def rows(content: str, error: str = "m", mask: int = 2) -> list[str]:
    """The modules of the QR code segno.make(content, error=error, micro=False, mask=mask)
    makes (its `matrix`), a string of "0" and "1" per row."""
    from segno import consts
    from segno import encoder as E
    err = E.normalize_errorlevel(error, accept_none=True)
    segments = E.prepare_data(content, None, None)
    version = E.find_version(segments, err, eci=False, micro=False)
    # segno's encoder._encode, for a QR code without ECI or structured append.
    err = E.boost_error_level(version, err, segments, False, is_sa=False)
    buff = E.Buffer()
    ver_range = E.version_range(version)
    for segment in segments:
        E.write_segment(buff, segment, None, ver_range, False)
    capacity = consts.SYMBOL_CAPACITY[version][err]
    E.write_terminator(buff, capacity, None, len(buff))
    E.write_padding_bits(buff, version, len(buff))
    E.write_pad_codewords(buff, version, capacity, len(buff))
    data, ecc = _blocks(consts.ECC[version][err], list(buff.toints()))
    # make_final_message: the blocks interleaved, data first (the remainder bits are 0).
    message = bytes(x for x in chain(chain.from_iterable(zip_longest(*data)),
                                     chain.from_iterable(zip_longest(*ecc))) if x is not None)
    width, out, row_of, bit_of = _template(version, err, E.normalize_mask(mask, False))
    out = list(out)
    bits = format(int.from_bytes(message, "big"), f"0{len(message) * 8}b")
    for m in _ONE.finditer(bits):
        k = m.start()
        out[row_of[k]] ^= bit_of[k]
    return [format(r, f"0{width}b") for r in out]
