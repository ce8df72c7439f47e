"""The open-data files under /data/ (outputs of the render stage, like the pages):
site-builder's own services.json (with its JSON Schema), services.csv and
services.geojson, and the Open Referral HSDS 3.0 export (JSON documents and the CSV
data package). Model objects in, (path, text) outputs out; catalogue.py describes them.
"""
from __future__ import annotations

from typing import Callable, Iterator

from ..model import Directory
from ..render import Job, Output, streamed
from . import hsds
from .services import schema_json, services_csv, services_geojson, services_json


def open_data(d: Directory, wanted: Callable[[str], bool] | None = None) -> Iterator[Output]:
    """Every open-data file; with `wanted`, only those it accepts (incremental builds)."""
    wanted = wanted or (lambda path: True)
    for job in open_data_jobs(d):
        if any([wanted(p) for p in job.paths]):
            yield from job.make()


def open_data_jobs(d: Directory) -> list[Job]:
    """The open-data files as render jobs (render.Job), in order."""
    makers = {"data/services.json": lambda: services_json(d),
              "data/services.schema.json": schema_json,
              "data/services.csv": lambda: services_csv(d),
              "data/services.geojson": lambda: services_geojson(d)}
    jobs = [Job((path,), lambda path=path, make=make: [Output(path, make())])
            for path, make in makers.items()]
    # The HSDS files are made together (one set of tables): asked about one by one, so an
    # incremental build reuses them all or makes them all.
    # Written piece by piece (render.Job.writer): a province's HSDS files are hundreds of MB.
    def write_hsds(sinks) -> None:
        hsds.write(d, sinks)
    jobs.append(Job(tuple(hsds_paths()), streamed(write_hsds), writer=write_hsds))
    return jobs


def hsds_paths() -> list[str]:
    from .catalogue import HSDS_CSV_PATHS
    return ["data/hsds/services.json", "data/hsds/organizations.json",
            "data/hsds/service_at_locations.json", *HSDS_CSV_PATHS, "data/hsds/datapackage.json"]
