"""The fixed vocabularies of the content format, with their Chinese labels.

One table per vocabulary: the validator checks values against the keys, the
templates show the labels. Order is the display order.
"""
from __future__ import annotations

KINDS = {
    "guidance_center": "心理服务指导中心",
    "service_station": "心理服务站",
    "counseling_room": "心理咨询室",
    "clinic": "心理门诊",
    "hotline": "心理援助热线",
    "school": "学校心理辅导",
    "online": "线上平台",
    "organization": "社会心理服务机构",
    "rehabilitation": "精神障碍社区康复",
}
KIND_DESCRIPTIONS = {
    "guidance_center": "区（县）级心理服务指导中心，统筹和指导本区的社会心理服务",
    "service_station": "街道（乡镇）心理服务站",
    "counseling_room": "社区（村）心理咨询室、社会工作室",
    "clinic": "医院心理门诊、精神（心理）科",
    "hotline": "心理援助热线，电话即可求助",
    "school": "学校心理咨询与辅导",
    "online": "线上心理服务平台",
    "organization": "社会心理服务机构",
    "rehabilitation": "精神障碍社区康复服务",
}
AUDIENCES = {
    "everyone": "所有人",
    "children": "儿童",
    "adolescents": "青少年",
    "students": "学生",
    "elderly": "老年人",
    "women": "妇女",
    "perinatal": "孕产期妇女",
    "disabled": "残疾人",
    "families": "困难家庭",
    "employees": "职工",
    "health_workers": "医务人员",
}
SERVICES = {
    "counseling": "心理咨询",
    "assessment": "心理评估",
    "crisis": "危机干预",
    "psychotherapy": "心理治疗",
    "psychiatry": "精神科诊疗",
    "education": "心理健康教育",
    "social_work": "社会工作服务",
    "rehabilitation": "康复服务",
}
COSTS = {"free": "免费", "paid": "收费", "mixed": "部分收费"}
BOOKING = {
    "walk_in": "可直接前往",
    "appointment": "需预约",
    "referral": "需转介",
    "online": "网上预约",
}
ACCESSIBILITY = {
    "wheelchair": "轮椅可达",
    "elevator": "有电梯",
    "accessible_toilet": "无障碍卫生间",
    "sign_language": "手语服务",
}
CATEGORIES = {"science": "科普", "news": "动态", "guide": "指南", "event": "活动"}
LEVELS = {
    "country": "国家",
    "province": "省级",
    "city": "市级",
    "district": "区县",
    "street": "街道乡镇",
    "community": "社区村",
}
LEVEL_ORDER = {name: i for i, name in enumerate(LEVELS)}
UI_LANGUAGES = ("zh-Hans", "zh-Hant", "en")
LANGUAGE_NAMES = {
    "zh": "普通话", "zh-Hans": "普通话", "zh-Hant": "繁体中文", "yue": "粤语", "en": "英语",
    "wuu": "吴语", "nan": "闽南语", "hak": "客家话", "bo": "藏语", "ug": "维吾尔语",
    "mn": "蒙古语", "ii": "彝语", "za": "壮语", "ko": "朝鲜语", "ja": "日语",
    "ru": "俄语", "fr": "法语", "de": "德语", "es": "西班牙语", "ar": "阿拉伯语",
    "sgn": "手语", "csl": "中国手语",
}


def kind_for(text: str) -> str | None:
    """The kind whose Chinese name an editor wrote (`心理咨询室`, `社区心理咨询室` →
    counseling_room), for a did-you-mean; None when no single kind fits."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    for table in (KINDS, KIND_DESCRIPTIONS):
        found = [k for k, label in table.items() if text in label or label in text]
        if len(found) == 1:
            return found[0]
    return None
