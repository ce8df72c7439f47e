#!/usr/bin/env python3
"""Generate a deterministic, contract-valid content folder for benchmarks.

    python bench/generate.py --services 1000 --out /tmp/bench-1k [--seed 1] [--articles N]

One province (广东省) → six real cities → districts (real names first, then made-up
functional zones) → streets/towns → communities/villages, sized so that there is about
one community for every 2.5 services. 中山 and 东莞 have no districts, as in reality:
their towns sit directly under the city (the contract allows skipped levels).

Every name below the district level, every service, address, coordinate and local
phone number is fictional. Local numbers follow the documented placeholder pattern
`<area code>-5550xxxx` (each city uses its real area code, so numbers do not collide);
each record's numbers are unique, with an extension once a city's 10,000 numbers are used.

The same --services and --seed always give byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REFERENCE_DATE = date(2026, 10, 31)
"""Latest `verified` and article date written: fixed, so output does not depend on today."""
MARKER = ".bench-generated"
COMMUNITIES_PER_SERVICE = 1 / 2.5
COMMUNITIES_PER_UNIT = 80
"""A "unit" is one district (about 8 streets × 10 communities)."""

# (id prefix, name, area code, WGS-84 centre, real districts as (pinyin, name) or None)
CITIES = [
    ("gz", "广州市", "020", (23.129, 113.264), [
        ("yuexiu", "越秀区"), ("haizhu", "海珠区"), ("liwan", "荔湾区"), ("tianhe", "天河区"),
        ("baiyun", "白云区"), ("huangpu", "黄埔区"), ("panyu", "番禺区"), ("huadu", "花都区"),
        ("nansha", "南沙区"), ("conghua", "从化区"), ("zengcheng", "增城区")]),
    ("sz", "深圳市", "0755", (22.543, 114.058), [
        ("futian", "福田区"), ("luohu", "罗湖区"), ("nanshan", "南山区"), ("yantian", "盐田区"),
        ("baoan", "宝安区"), ("longgang", "龙岗区"), ("longhua", "龙华区"), ("pingshan", "坪山区"),
        ("guangming", "光明区"), ("dapeng", "大鹏新区")]),
    ("fs", "佛山市", "0757", (23.022, 113.122), [
        ("chancheng", "禅城区"), ("nanhai", "南海区"), ("shunde", "顺德区"), ("sanshui", "三水区"),
        ("gaoming", "高明区")]),
    ("st", "汕头市", "0754", (23.354, 116.682), [
        ("jinping", "金平区"), ("longhu", "龙湖区"), ("haojiang", "濠江区"), ("chaoyang", "潮阳区"),
        ("chaonan", "潮南区"), ("chenghai", "澄海区"), ("nanao", "南澳县")]),
    ("zs", "中山市", "0760", (22.517, 113.392), None),
    ("dg", "东莞市", "0769", (23.021, 113.752), None),
]
PROVINCE = ("gd", "广东省", "020")

# Characters for made-up place names, with their pinyin (for ids).
CHARS = dict(zip(
    "东西南北新华金龙凤云桥湖山海田林岭沙塘岗湾园城安平和兴福宝石竹松梅桂荔莲春阳明光泰康乐宁清水溪江"
    "港口头坪坑围坊里桃杏榕柳樟青翠碧丰盛富裕德仁文秀元嘉顺长永大上下中前后鹤鹏霞岩峰洲滨浦涌",
    "dong xi nan bei xin hua jin long feng yun qiao hu shan hai tian lin ling sha tang gang wan yuan "
    "cheng an ping he xing fu bao shi zhu song mei gui li lian chun yang ming guang tai kang le ning "
    "qing shui xi jiang gang kou tou ping keng wei fang li tao xing rong liu zhang qing cui bi feng "
    "sheng fu yu de ren wen xiu yuan jia shun chang yong da shang xia zhong qian hou he peng xia yan "
    "feng zhou bin pu chong".split()))
FIRST = "东西南北新华金龙凤云桥湖山海田林沙塘安平和兴福宝石竹松梅桂荔莲春阳明光泰康乐宁清青翠丰盛富德仁文秀元嘉顺长永大上下中前后鹤鹏霞"
SECOND = "湖山海田林岭沙塘岗湾园城安平和兴福石桥江港口头坪坑围坊里洲滨浦涌峰岩溪水龙凤华明光阳"
ROAD_SUFFIX = ("路", "路", "大道", "街", "大街", "一路", "二路")

HOLIDAYS = """\
# 2026 年法定节假日与调休（国务院办公厅通知）
off:
  - {dates: 2026-01-01..2026-01-03, name: 元旦}
  - {dates: 2026-02-15..2026-02-23, name: 春节}
  - {dates: 2026-04-04..2026-04-06, name: 清明节}
  - {dates: 2026-05-01..2026-05-05, name: 劳动节}
  - {dates: 2026-06-19..2026-06-21, name: 端午节}
  - {dates: 2026-09-25..2026-09-27, name: 中秋节}
  - {dates: 2026-10-01..2026-10-07, name: 国庆节}
workdays:
  - {date: 2026-01-04, name: 元旦调休上班}
  - {date: 2026-02-14, name: 春节调休上班}
  - {date: 2026-02-28, name: 春节调休上班}
  - {date: 2026-05-09, name: 劳动节调休上班}
  - {date: 2026-09-20, name: 国庆节调休上班}
  - {date: 2026-10-10, name: 国庆节调休上班}
"""


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Area:
    id: str
    name: str
    level: str
    centre: tuple[float, float]
    city: "Area | None" = None
    district: "Area | None" = None
    street: "Area | None" = None
    area_code: str = ""
    children: list["Area"] = field(default_factory=list)
    names: set = field(default_factory=set)
    slugs: set = field(default_factory=set)

    @property
    def short(self) -> str:
        for suffix in ("新区", "街道", "社区", "市", "区", "县", "镇", "村"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix) + 1:
                return self.name[: -len(suffix)]
        return self.name


class Generator:
    def __init__(self, services: int, seed: int, articles: int | None = None):
        self.n = services
        self.n_articles = articles
        self.rng = random.Random(seed)
        self.phone_counter: dict[str, int] = {}
        self.used_names: set[str] = set()

    # ------------------------------------------------------------ regions

    def made_up(self, parent: Area, suffix: str, length: int = 2) -> tuple[str, str]:
        """A name unique among `parent`'s children (and, while possible, site-wide)."""
        for attempt in range(200):
            size = length if attempt < 150 else length + 1
            chars = [self.rng.choice(FIRST)] + [self.rng.choice(SECOND) for _ in range(size - 1)]
            stem = "".join(chars)
            slug = "".join(CHARS[c] for c in chars)
            name = stem + suffix
            if name in parent.names or slug in parent.slugs:
                continue
            if name in self.used_names and attempt < 100:
                continue
            parent.names.add(name)
            parent.slugs.add(slug)
            self.used_names.add(name)
            return slug, name
        raise RuntimeError("ran out of names")  # pragma: no cover

    def jitter(self, centre: tuple[float, float], spread: float) -> tuple[float, float]:
        return (centre[0] + self.rng.uniform(-spread, spread),
                centre[1] + self.rng.uniform(-spread, spread))

    def streets(self, parent: Area, city: Area, district: Area | None, count: int) -> None:
        for _ in range(count):
            town = self.rng.random() < 0.25
            slug, name = self.made_up(parent, "镇" if town else "街道")
            street = Area(f"{parent.id}-{slug}", name, "street", self.jitter(parent.centre, 0.05),
                          city, district, None, city.area_code)
            parent.children.append(street)
            for _ in range(self.rng.randint(6, 14)):
                village = town and self.rng.random() < 0.6
                cslug, cname = self.made_up(street, "村" if village else "社区")
                street.children.append(Area(f"{street.id}-{cslug}", cname, "community",
                                            self.jitter(street.centre, 0.012), city, district,
                                            street, city.area_code))

    def regions(self) -> Area:
        province = Area(PROVINCE[0], PROVINCE[1], "province", (23.13, 113.26),
                        area_code=PROVINCE[2])
        communities = max(12, round(self.n * COMMUNITIES_PER_SERVICE))
        units = max(len(CITIES), round(communities / COMMUNITIES_PER_UNIT))
        per_city = [0] * len(CITIES)
        for i in range(units):
            per_city[i % len(CITIES)] += 1
        for (prefix, name, code, centre, districts), count in zip(CITIES, per_city):
            city = Area(prefix, name, "city", centre, area_code=code)
            city.city = city
            province.children.append(city)
            if districts is None:  # 中山、东莞: towns directly under the city
                self.streets(city, city, None, count * 8)
                continue
            for i in range(count):
                if i < len(districts):
                    slug, dname = districts[i]
                    city.names.add(dname)
                    city.slugs.add(slug)
                else:
                    slug, dname = self.made_up(city, self.rng.choice(("新区", "区", "高新区")))
                district = Area(f"{prefix}-{slug}", dname, "district",
                                self.jitter(centre, 0.25), city, None, None, code)
                district.district = district
                city.children.append(district)
                self.streets(district, city, district, self.rng.randint(6, 10))
        return province

    # ------------------------------------------------------------ helpers

    def phone(self, area: Area) -> str:
        """`<area code>-5550xxxx`, unique per number; `ext` once a city runs out."""
        code = area.area_code
        n = self.phone_counter.get(code, 0)
        self.phone_counter[code] = n + 1
        number = f"{code}-5550{n % 10000:04d}"
        if n >= 10000:
            return f"{{number: {q(number)}, ext: \"{n // 10000}\"}}"
        return q(number)

    def address(self, area: Area) -> str:
        parts = [area.city.name if area.city else ""]
        if area.district:
            parts.append(area.district.name)
        street = area if area.level == "street" else area.street
        if street:
            parts.append(street.name)
        road = self.rng.choice(FIRST) + self.rng.choice(SECOND) + self.rng.choice(ROAD_SUFFIX)
        where = self.rng.choice(("党群服务中心", "综合服务楼", "文化活动中心", "社区服务中心", "",
                                 "门诊楼", "办公楼"))
        floor = f" {self.rng.randint(1, 6)} 楼" if where else f"{self.rng.randint(101, 320)} 室"
        return "".join(parts) + f"{road} {self.rng.randint(1, 3999)} 号{where}{floor}"

    def location(self, area: Area) -> str | None:
        lat, lon = self.jitter(area.centre, 0.004)
        crs = self.rng.choices(("gcj02", "bd09", "wgs84"), (6, 2, 2))[0]
        if crs == "gcj02":
            lat, lon = lat - 0.0027, lon + 0.0052
        elif crs == "bd09":
            lat, lon = lat + 0.0033, lon + 0.0117
        if crs == "wgs84" and self.rng.random() < 0.5:
            return f"{{lat: {lat:.5f}, lon: {lon:.5f}}}"
        return f"{{lat: {lat:.5f}, lon: {lon:.5f}, crs: {crs}}}"

    def verified(self) -> str:
        return (REFERENCE_DATE - timedelta(days=self.rng.randint(0, 240))).isoformat()

    # ------------------------------------------------------------ services

    HOURS = {
        "office": ['  mon-fri: "08:30-12:00, 14:00-17:30"', "  holidays: closed"],
        "office_sat": ['  mon-fri: "08:30-12:00, 14:00-17:30"', '  sat: "09:00-12:00"',
                       "  holidays: closed"],
        "summer": ['  mon-fri: "08:00-12:00, 14:30-18:00"'],
        "room": ['  tue: "14:00-17:30"', '  thu: "14:00-17:30"', '  sat: "09:00-12:00"'],
        "room_evening": ['  mon: "19:00-21:00"', '  wed: "19:00-21:00"', '  sat-sun: "09:30-11:30"'],
        "clinic": ['  mon-fri: "08:00-12:00, 14:00-17:30"', '  sat: "08:30-12:00"',
                   "  holidays: closed"],
        "clinic_week": ['  mon-sun: "08:00-12:00, 14:00-17:30"', '  holidays: "08:00-12:00"'],
        "school": ['  mon-fri: "12:10-13:30, 16:30-18:00"'],
        "overnight": ['  mon-sun: "20:00-08:00"', '  holidays: "20:00-08:00"'],
        "late": ['  mon-fri: "18:00-24:00"', '  sat-sun: "09:00-24:00"', '  holidays: "09:00-24:00"'],
        "day_line": ['  mon-fri: "09:00-21:00"', '  sat-sun: "09:00-17:00"'],
        "org": ['  tue-sat: "09:30-12:00, 13:30-18:00"'],
    }
    HOURS_BY_KIND = {
        "guidance_center": [("office_sat", 5), ("office", 4), ("by_appointment", 1)],
        "service_station": [("office", 6), ("summer", 2), ("unknown", 1), ("room_evening", 1)],
        "counseling_room": [("room", 5), ("room_evening", 2), ("office", 2), ("by_appointment", 2),
                            ("unknown", 2)],
        "clinic": [("clinic", 6), ("clinic_week", 2), ("24/7", 1)],
        "hotline": [("24/7", 4), ("overnight", 2), ("late", 1), ("day_line", 2)],
        "school": [("school", 5), ("by_appointment", 1)],
        "online": [("by_appointment", 3), ("day_line", 2), ("24/7", 1)],
        "organization": [("org", 4), ("by_appointment", 2), ("unknown", 1)],
        "rehabilitation": [("office", 4), ("summer", 2), ("unknown", 1)],
    }
    HOURS_NOTES = {
        "room": "其他时间可到社区党群服务中心前台登记，社工回电预约",
        "room_evening": "晚间时段方便上班族，请提前一天电话预约",
        "office_sat": "周六上午只接待已预约的来访者",
        "overnight": "每晚 20:00 至次日 08:00，节假日照常",
        "school": "面向本校学生和家长，午休和放学后开放",
        "unknown": "开放时间未公布，前往前请先电话确认",
    }
    SERVICES_BY_KIND = {
        "guidance_center": ["counseling", "assessment", "crisis", "education", "social_work"],
        "service_station": ["counseling", "education", "social_work"],
        "counseling_room": ["counseling", "social_work"],
        "clinic": ["psychiatry", "psychotherapy", "assessment", "counseling"],
        "hotline": ["counseling", "crisis"],
        "school": ["counseling", "education", "assessment"],
        "online": ["counseling", "education"],
        "organization": ["counseling", "social_work", "education"],
        "rehabilitation": ["rehabilitation", "social_work"],
    }
    AUDIENCES = ["children", "adolescents", "students", "elderly", "women", "perinatal",
                 "disabled", "families", "employees", "health_workers"]

    def plan(self, province: Area) -> list[tuple[str, Area, str]]:
        """(kind, area, name) for every service, one of each kind first."""
        cities = province.children
        districts = [d for c in cities for d in c.children if d.level == "district"]
        streets = [s for c in cities for s in (c.children if not c.children or c.children[0].level == "street"
                                                else [s for d in c.children for s in d.children])]
        communities = [m for s in streets for m in s.children]
        rng = self.rng
        n = self.n
        pools: dict[str, list[tuple[Area, str]]] = {}
        pools["guidance_center"] = (
            [(c, f"{c.name}社会心理服务指导中心") for c in cities]
            + [(d, f"{d.city.name}{d.name}社会心理服务指导中心") for d in districts]
            + [(c, f"{c.name}{t}心理服务指导中心") for c in cities if not any(
                x.level == "district" for x in c.children) for t in ("东部", "西部")])
        pools["service_station"] = [(s, f"{s.name}心理服务站") for s in streets]
        hotline_names = ("心理援助热线", "青少年心理热线", "夜间倾听热线", "职工心理关爱热线",
                         "老年人心理关爱热线", "孕产妇心理支持热线", "高校学生心理热线")
        pools["hotline"] = [(province, f"{province.name}心理援助热线")] + [
            (c, f"{c.name}{h}") for h in hotline_names for c in cities]
        pools["online"] = [(c, f"{c.short}心理云咨询平台") for c in cities] + [
            (d, f"{d.name}线上心理服务") for d in districts]
        # About 1 hotline per 200 services and 1 online platform per 250 (at least a few).
        pools["hotline"] = pools["hotline"][: max(3, n // 200)]
        pools["online"] = pools["online"][: max(2, n // 250)]

        def spread(areas: list[Area], count: int, names) -> list[tuple[Area, str]]:
            out = []
            for i in range(count):
                area = areas[i % len(areas)] if i < len(areas) else rng.choice(areas)
                out.append((area, names(area, i // len(areas))))
            return out

        clinic_forms = ("{s}人民医院心理门诊", "{d}中医院心身医学科", "{d}妇幼保健院儿童心理门诊",
                        "{d}第二人民医院精神科", "{s}社区卫生服务中心心理门诊", "{d}精神卫生中心")
        school_forms = ("{s}中学心理辅导室", "{s}实验小学心理辅导室", "{d}职业技术学校心理咨询中心",
                        "{s}第一中学心理健康教育中心", "{s}外国语学校心理辅导中心")
        org_forms = ("{d}心晴社会工作服务中心", "{s}阳光心理服务社", "{d}心语心理咨询中心",
                     "{s}向日葵家庭支持中心", "{d}青鸟社会工作服务社")
        rehab_forms = ("{s}精神障碍社区康复站", "{s}康园工疗站", "{d}阳光家园康复中心")
        room_forms = ("{c}心理咨询室", "{c}社会工作室", "{c}党群服务中心心理辅导室",
                      "{c}睦邻心理服务室", "{c}家庭关爱室")

        def former(forms):
            def make(area: Area, round_: int) -> str:
                d = area.district.short if area.district else area.city.short
                return rng.choice(forms).format(s=area.short, d=d, c=area.name)
            return make

        pools["clinic"] = spread(streets, max(1, round(n * 0.06)), former(clinic_forms))
        pools["school"] = spread(streets, max(1, round(n * 0.06)), former(school_forms))
        pools["organization"] = spread(streets, max(1, round(n * 0.04)), former(org_forms))
        pools["rehabilitation"] = spread(streets, max(1, round(n * 0.03)), former(rehab_forms))
        fixed = sum(len(v) for v in pools.values())
        rooms = []
        order = communities[:]
        rng.shuffle(order)
        for i in range(max(1, n - fixed)):
            area = order[i % len(order)]
            rooms.append((area, room_forms[min(i // len(order), len(room_forms) - 1)].format(c=area.name)))
        pools["counseling_room"] = rooms
        plan = [(k, *pools[k][0]) for k in pools if pools[k]]
        rest = [(k, a, name) for k in pools for a, name in pools[k][1:]]
        # Keep the order stable but mixed, so a truncated plan still has every kind.
        rng.shuffle(rest)
        # Guidance centres and stations first among the rest: small sets keep the hierarchy.
        rest.sort(key=lambda t: t[0] not in ("guidance_center", "service_station", "hotline"))
        return (plan + rest)[:n]

    def service(self, sid: str, kind: str, area: Area, name: str, centres: dict[str, str]) -> str:
        rng = self.rng
        lines = [f"name: {q(name)}", f"kind: {kind}", f"region: {area.id}"]
        if kind not in ("hotline", "online"):
            lines.append(f"address: {q(self.address(area))}")
            if rng.random() < 0.98:
                lines.append(f"location: {self.location(area)}")
        has_phone = not (kind == "online" and rng.random() < 0.5)
        if has_phone:
            if kind == "guidance_center":
                lines += ["phones:", f"  - {self._labelled(self.phone(area), '总台')}",
                          f"  - {self._labelled(self.phone(area), '预约')}"]
            elif kind == "hotline" and area.level == "province":
                lines += ["phones:", "  - {number: \"12356\", label: 全国统一号码}",
                          f"  - {self._labelled(self.phone(area), '省平台')}"]
            elif rng.random() < 0.1:
                lines += ["phones:", f"  - {self._labelled(self.phone(area), '值班')}"]
            else:
                lines.append(f"phones: [{self.phone(area)}]")
        if kind in ("online", "guidance_center", "organization") or rng.random() < 0.1:
            lines.append(f"website: https://example.org/{sid}/")
        if kind in ("online", "guidance_center") or not has_phone or rng.random() < 0.05:
            lines.append(f"email: {sid}@example.org")
        if kind in ("guidance_center", "service_station", "organization") and rng.random() < 0.5:
            lines.append(f"wechat: {q(name.replace('社会心理服务指导中心', '心理') + '（示例）')}")
        if kind == "online" and rng.random() < 0.5:
            lines += ["other_contacts:", f"  - {{label: 微信小程序, value: {q(name + '预约')}}}"]
        hours = rng.choices(*zip(*self.HOURS_BY_KIND[kind]))[0]
        if hours in self.HOURS:
            lines += ["hours:"] + self.HOURS[hours]
        else:
            lines.append(f"hours: {hours}")
        note = self.HOURS_NOTES.get(hours)
        if note and rng.random() < 0.6:
            lines.append(f"hours_note: {q(note)}")
        audiences = ["everyone"]
        if kind == "school":
            audiences = ["students", "adolescents", "families"]
        elif rng.random() < 0.4:
            audiences += rng.sample(self.AUDIENCES, rng.randint(1, 3))
        lines.append(f"audiences: [{', '.join(audiences)}]")
        offered = self.SERVICES_BY_KIND[kind]
        lines.append(f"services: [{', '.join(offered[: rng.randint(1, len(offered))])}]")
        lines.append("cost: " + ("paid" if kind == "clinic" else "mixed" if kind == "organization"
                                 and rng.random() < 0.5 else "free"))
        if kind not in ("hotline",):
            booking = {"online": ["online"], "clinic": ["walk_in", "appointment"],
                       "rehabilitation": ["referral", "appointment"]}.get(kind, ["walk_in", "appointment"])
            lines.append(f"booking: [{', '.join(booking)}]")
        if rng.random() < 0.2:
            lines.append("languages: [zh, " + rng.choice(("yue", "hak", "nan", "en")) + "]")
        if kind not in ("hotline", "online") and rng.random() < 0.5:
            lines.append("accessibility: [" + ", ".join(rng.sample(
                ["wheelchair", "elevator", "accessible_toilet", "sign_language"], rng.randint(1, 3))) + "]")
        district = area.district or area.city or area
        if kind in ("counseling_room", "service_station"):
            operator = f"{(area.street or area).name}党群服务中心（示例）" if kind == "counseling_room" \
                else f"{district.name}社会心理服务指导中心（示例）"
            lines.append(f"operator: {q(operator)}")
        elif kind in ("clinic", "school") and rng.random() < 0.5:
            lines.append(f"operator: {q(district.name + '卫生健康局（示例）')}")
        if rng.random() < 0.7:
            lines.append("description: |")
            lines += [("  " + line).rstrip() for line in self.description(kind, area, name, centres)]
        lines.append(f"verified: {self.verified()}")
        if rng.random() < 0.01:
            start = REFERENCE_DATE - timedelta(days=rng.randint(0, 30))
            until = f", until: {start + timedelta(days=rng.randint(20, 90))}" if rng.random() < 0.7 else ""
            lines.append(f"closed: {{from: {start}{until}, reason: 场地装修}}")
        if kind in ("guidance_center", "service_station", "hotline") and rng.random() < 0.3:
            lines.append("stats:")
            for year in (2024, 2025):
                lines.append(f"  - {{year: {year}, visits: {rng.randint(200, 9000)}, "
                             f"satisfaction: {rng.randint(85, 99)}}}")
        if rng.random() < 0.05:
            lines += ["translations:", "  en:",
                      f"    name: {q(f'{kind.replace(chr(95), chr(32)).title()} {sid}')}"]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _labelled(number: str, label: str) -> str:
        if number.startswith("{"):  # already a mapping (with an extension)
            return number[:-1] + f", label: {label}}}"
        return f"{{number: {number}, label: {label}}}"

    def description(self, kind: str, area: Area, name: str, centres: dict[str, str]) -> list[str]:
        rng = self.rng
        link = f"[{area.name}](/regions/{area.id}/)"
        opening = {
            "guidance_center": f"{link}社会心理服务体系的枢纽，指导辖区街道心理服务站和社区心理咨询室的工作，"
                               "提供个体咨询、心理测评和危机干预转介。",
            "service_station": f"面向{link}居民的心理服务站，定期举办心理健康讲座和减压小组。",
            "counseling_room": f"设在{link}的心理咨询室，由社工和志愿咨询师轮值，居民可就近倾诉、咨询。",
            "clinic": f"服务{link}及周边居民的心理门诊，提供焦虑、抑郁、失眠等问题的诊疗。",
            "hotline": f"面向{link}的心理援助热线，由受过训练的接线员接听，免费、保密。",
            "school": f"{link}学校的心理辅导机构，为学生和家长提供心理辅导与家庭教育指导。",
            "online": f"面向{link}的线上心理服务，可通过网站预约视频或文字咨询。",
            "organization": f"在{link}开展服务的社会心理服务机构，承接社区心理健康和家庭支持项目。",
            "rehabilitation": f"为{link}病情稳定的精神障碍患者提供日间照料、工疗和社交技能训练。",
        }[kind]
        out = [opening]
        centre = centres.get((area.district or area.city or area).id)
        if centre and kind != "guidance_center" and rng.random() < 0.5:
            out += ["", f"需要更系统的帮助时，可以联系[区社会心理服务指导中心](/services/{centre}/)。"]
        if rng.random() < 0.3:
            out += ["", "- 首次来访请带身份证；", "- 未成年人需家长陪同；",
                    "- 如有紧急情况请直接拨打 120 或 110。"]
        return out

    # ------------------------------------------------------------ articles and pages

    TOPICS = [
        ("sleep", "睡不好怎么办：改善失眠的几个小办法", "science"),
        ("anxiety", "认识焦虑：什么时候需要寻求帮助", "science"),
        ("depression", "情绪低落持续两周以上，要警惕抑郁", "science"),
        ("exam-stress", "考前焦虑：给学生和家长的建议", "guide"),
        ("elderly-care", "陪伴家中老人：留意这些情绪变化", "guide"),
        ("first-visit", "第一次去心理门诊，要准备什么", "guide"),
        ("perinatal", "孕产期情绪波动，家人可以怎么做", "science"),
        ("workplace", "职场压力与心理健康", "science"),
        ("station-news", "街道心理服务站开展心理健康周活动", "news"),
        ("hotline-news", "心理援助热线延长服务时间", "news"),
        ("workshop", "家长工作坊：孩子不想上学时", "event"),
        ("group", "减压小组招募", "event"),
    ]

    def articles(self, province: Area, services: list[tuple[str, str, Area]]) -> dict[str, str]:
        rng = self.rng
        count = self.n_articles if self.n_articles is not None else max(1, round(self.n / 50))
        centres = [(sid, area) for sid, kind, area in services if kind == "guidance_center"] or \
            [(sid, area) for sid, kind, area in services[:1]]
        files: dict[str, str] = {}
        published: list[str] = []
        areas = [c for c in province.children] + [d for c in province.children for d in c.children]
        for i in range(count):
            topic, title, category = self.TOPICS[i % len(self.TOPICS)]
            slug = f"{topic}-{i + 1:04d}"
            day = REFERENCE_DATE - timedelta(days=rng.randint(0, 700))
            area = rng.choice(areas)
            sid, sarea = rng.choice(centres)
            draft = rng.random() < 0.03
            front = [f"title: {q(f'{area.name}｜{title}')}", f"date: {day}",
                     f"summary: {q(f'{area.name}的居民可以参考本文，也可以就近联系心理服务点。')}",
                     f"tags: [{q(area.short)}, 心理健康]", f"category: {category}"]
            if category in ("guide", "science") and rng.random() < 0.5:
                front.append("audiences: [" + ", ".join(rng.sample(self.AUDIENCES, 2)) + "]")
            if category == "event":
                start = day + timedelta(days=rng.randint(3, 30))
                front += ["event:", f"  start: \"{start} 14:00\"", f"  end: \"{start} 16:00\"",
                          f"  place: {q(sarea.name + '社会心理服务指导中心团体活动室')}",
                          f"  service: {sid}"]
            if draft:
                front.append("draft: true")
            body = [f"*本文为基准测试生成的示例内容。*", "",
                    f"{area.name}的居民遇到情绪困扰时，可以先找所在社区的心理咨询室，"
                    f"或查看[{area.name}的心理服务](/regions/{area.id}/)。", "",
                    "## 可以先做的几件事", "",
                    "- 保持规律作息，白天适当运动；", "- 找信任的人说一说；",
                    "- 持续两周以上睡不好、吃不下时，及时就医。", "",
                    "## 去哪里求助", "",
                    "| 情况 | 建议 |", "|---|---|",
                    "| 想就近聊聊 | 社区心理咨询室 |",
                    f"| 需要系统咨询 | [区社会心理服务指导中心](/services/{sid}/) |",
                    "| 需要诊断用药 | 医院心理门诊 |", "",
                    "拨打全国心理援助热线 **12356**，或阅读[如何获得帮助](/help/)。"]
            if published and rng.random() < 0.5:
                body += ["", f"相关阅读：[上一篇](/articles/{rng.choice(published)}/)。"]
            files[f"{slug}.md"] = "---\n" + "\n".join(front) + "\n---\n" + "\n".join(body) + "\n"
            if not draft:
                published.append(slug)
        return files

    PAGES = {
        "about": ("关于本站", 1, "本站是**基准测试数据**生成的示例网站：地区名称在市、区一级是真实的，"
                  "街道、社区、服务点和电话号码均为虚构。\n\n"
                  "虚构的本地电话号码统一采用占位格式“区号-5550xxxx”。"),
        "help": ("如何获得帮助", 2, "## 现在就有危险？\n\n拨打 **120** 或 **110**。\n\n"
                 "## 想找人说说话\n\n拨打全国心理援助热线 **12356**，或查看[全部热线](/hotlines/)。"),
        "privacy": ("隐私说明", 3, "本站不收集个人信息，搜索在浏览器内完成。"),
    }  # (/open-data/ is made by the site itself from site.yaml's data_license)

    # ------------------------------------------------------------ all

    def write(self, out: Path) -> dict[str, int]:
        province = self.regions()
        plan = self.plan(province)
        ids: set[str] = set()
        services: list[tuple[str, str, Area, str]] = []
        suffix = {"guidance_center": "center", "service_station": "station", "counseling_room": "room",
                  "clinic": "clinic", "hotline": "line", "school": "school", "online": "online",
                  "organization": "org", "rehabilitation": "rehab"}
        for kind, area, name in plan:
            base = f"{area.id}-{suffix[kind]}"
            sid, k = base, 2
            while sid in ids:
                sid, k = f"{base}-{k}", k + 1
            ids.add(sid)
            services.append((sid, kind, area, name))
        centres = {}
        for sid, kind, area, _ in services:
            if kind == "guidance_center" and area.level in ("district", "city"):
                centres.setdefault(area.id, sid)

        for folder in ("services", "articles", "pages"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("written by bench/generate.py\n", encoding="utf-8")
        (out / "site.yaml").write_text(
            "title: 广东省社会心理服务地图（基准测试数据）\n"
            "description: 基准测试用的生成数据：市、区名称真实，街道、社区、服务点与号码均为虚构\n"
            "base_url: https://example.org/xinli/\n"
            "timezone: Asia/Shanghai\n"
            "demo: true\n"
            "stale_after_days: 180\n"
            "edit_url: https://example.org/xinli-content/edit/main/\n"
            "data_license: CC-BY-4.0\n"
            "crisis:\n"
            "  - {label: 全国心理援助热线, phone: \"12356\", note: 全国统一号码}\n"
            "  - {label: 急救, phone: \"120\"}\n"
            "  - {label: 报警, phone: \"110\"}\n"
            "targets:\n"
            "  guidance_center: {level: district, share: 1.0}\n"
            "  service_station: {level: street, share: 1.0}\n"
            "  counseling_room: {level: community, share: 0.8}\n", encoding="utf-8")
        (out / "regions.yaml").write_text(self.regions_yaml(province), encoding="utf-8")
        (out / "holidays.yaml").write_text(HOLIDAYS, encoding="utf-8")
        for sid, kind, area, name in services:
            (out / "services" / f"{sid}.yaml").write_text(
                self.service(sid, kind, area, name, centres), encoding="utf-8")
        articles = self.articles(province, [(s, k, a) for s, k, a, _ in services])
        for name, text in articles.items():
            (out / "articles" / name).write_text(text, encoding="utf-8")
        for slug, (title, nav, body) in self.PAGES.items():
            front = f"title: {title}\n" + (f"nav: {nav}\n" if nav is not None else "")
            (out / "pages" / f"{slug}.md").write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
        count = sum(1 for _ in self.walk(province))
        return {"services": len(services), "regions": count, "articles": len(articles),
                "pages": len(self.PAGES)}

    @staticmethod
    def walk(area: Area):
        stack = [area]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children)

    def regions_yaml(self, province: Area) -> str:
        lines = ["# 生成的地区树：省、市、区名称真实；街道、社区名称虚构。"]

        def emit(area: Area, indent: str) -> None:
            if not area.children:
                lines.append(f"{indent}- {{id: {area.id}, name: {area.name}, level: {area.level}}}")
                return
            lines.append(f"{indent}- id: {area.id}")
            lines.append(f"{indent}  name: {area.name}")
            lines.append(f"{indent}  level: {area.level}")
            lines.append(f"{indent}  children:")
            for child in area.children:
                emit(child, indent + "    ")

        emit(province, "")
        return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--services", type=int, default=1000, help="number of service records")
    p.add_argument("--out", required=True, type=Path, help="content folder to (re)create")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--articles", type=int, help="number of articles (default: one per 50 services)")
    args = p.parse_args(argv)
    if args.services < 9:
        p.error("--services must be at least 9 (one of each kind)")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            print(f"error: {out} is not empty and was not written by this script", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    counts = Generator(args.services, args.seed, args.articles).write(out)
    print(f"wrote {out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
