"""The open-data files every build publishes under /data/, described once: the
/open-data/ page lists them from here, and validate.py lets markdown link to them.

Pure data: no rendering, no I/O (the exporters are in this package's other modules).
"""
from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = "1.0"
"""Version of the shape of services.json / services.csv / services.geojson. The major
number changes when a field is removed or changes meaning; the minor when one is added."""
LIST_SEPARATOR = "|"
"""How services.csv joins list fields (audiences, phones …): `everyone|elderly`."""
HSDS_VERSION = "3.0.1"
HSDS_TABLES = ("organization", "service", "location", "service_at_location", "phone",
               "address", "schedule", "service_area", "language", "accessibility",
               "taxonomy", "taxonomy_term", "attribute")
"""The HSDS tables the export fills, in the order of HSDS's own datapackage."""


@dataclass(frozen=True)
class DataFile:
    path: str
    """Site path below the base path (`data/services.csv`)."""
    title: str
    format: str
    description: str


FILES: tuple[DataFile, ...] = (
    DataFile("data/services.json", "服务点数据（JSON）", "JSON",
             "每个服务点一条记录，字段与内容格式一致；坐标同时给出原始坐标系和 WGS-84。"
             "结构见同目录的 JSON Schema。"),
    DataFile("data/services.schema.json", "services.json 的 JSON Schema", "JSON Schema",
             "services.json 的字段说明和类型（JSON Schema 2020-12），可用于校验。"),
    DataFile("data/services.csv", "服务点数据（CSV 表格）", "CSV",
             "每个服务点一行，UTF-8（带 BOM，Excel 可直接打开）；多值字段用“|”分隔；"
             "以 = + - @ 开头的单元格前加了单引号，防止表格软件把它当公式执行。"),
    DataFile("data/services.geojson", "服务点位置（GeoJSON）", "GeoJSON",
             "有坐标的服务点，WGS-84 经纬度（GeoJSON 标准坐标系，已从高德/百度坐标换算），"
             "可直接导入地图软件。"),
    DataFile("data/hsds/services.json", "Open Referral HSDS 3.0：服务（JSON）", "JSON",
             "按国际人类服务数据规范 HSDS 3.0 组织的全部服务，含机构、地点、电话、"
             "开放时间（含节假日和暂停服务）、服务区域、语言和无障碍信息。"),
    DataFile("data/hsds/organizations.json", "Open Referral HSDS 3.0：机构（JSON）", "JSON",
             "运营机构及其地点（HSDS 3.0 organization；机构的服务见上面的 services.json，"
             "以 organization.id 关联）。"),
    DataFile("data/hsds/service_at_locations.json", "Open Referral HSDS 3.0：服务地点（JSON）",
             "JSON", "每个服务在每个地点一条（HSDS 3.0 service_at_location），含地点详情；"
             "服务以 service_id 关联 services.json。"),
    DataFile("data/hsds/datapackage.json", "Open Referral HSDS 3.0：表格数据包", "CSV 数据包",
             "HSDS 3.0 的表格形式（Frictionless Tabular Data Package）：datapackage.json "
             "描述同目录下的各个 CSV 表（organizations.csv、services.csv、locations.csv、"
             "schedules.csv 等）。"),
)
HSDS_CSV_PATHS = tuple(f"data/hsds/{name}" for name in (
    "organizations.csv", "services.csv", "locations.csv", "service_at_location.csv",
    "phones.csv", "addresses.csv", "schedules.csv", "service_areas.csv", "languages.csv",
    "accessibility.csv", "taxonomies.csv", "taxonomy_terms.csv", "attributes.csv"))
OPEN_DATA_PATHS = tuple(f.path for f in FILES) + HSDS_CSV_PATHS
