"""The sheet's columns: one row per member, Chinese headers, and the API field each is read into."""

from __future__ import annotations

from shared.regions import COUNTIES

# (header, required, what it holds)
COLUMNS: list[tuple[str, bool, str]] = [
    ("县(区)", True, "县级区划名称或 6 位代码，如 乳源瑶族自治县 / 440232"),
    ("乡镇", True, "乡镇名称"),
    ("村代码", True, "12 位统计用区划代码"),
    ("村名", True, "村名称"),
    ("户编号", True, "户编号（同一户的每个成员行相同）"),
    ("户主姓名", True, "户主姓名"),
    ("姓名", True, "成员姓名"),
    ("身份证号", True, "18 位居民身份证号"),
    ("与户主关系", True, "户主 / 配偶 / 子女 / 父母 / 孙子女 / 兄弟姐妹 / 其他"),
    ("性别", True, "男 / 女"),
    ("出生日期", True, "YYYY-MM-DD"),
    ("劳动能力", True, "全劳动力 / 半劳动力 / 无劳动力"),
    ("是否外出务工意愿", False, "是 / 否"),
    ("是否党员", False, "是 / 否"),
    ("是否村干部", False, "是 / 否"),
    ("贫困状态", True, "在册贫困户 / 已脱贫 / 返贫 / 非贫困户"),
    ("脱贫年度", False, "已脱贫户填写，如 2019"),
    ("登记日期", True, "YYYY-MM-DD"),
    ("家庭住址", False, "家庭住址"),
    ("联系电话", False, "成员联系电话（选填），加密保存，仅有权限的角色可见完整号码"),
]


HEADERS = [c[0] for c in COLUMNS]


# Where each field of the API's own models is read from: a member row is checked by ``MemberIn``
# and its household by ``HouseholdBase``, the same declarations (and bounds) the API uses, and
# stored by the same table columns. A field added to either without a column here fails a test.
MEMBER_COLUMNS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "联系电话",
    "relation": "与户主关系",
    "birth_date": "出生日期",
    "sex": "性别",
    "labour_capacity": "劳动能力",
    "wishes_to_work_away": "是否外出务工意愿",
    "is_party_member": "是否党员",
    "is_village_cadre": "是否村干部",
}


HOUSEHOLD_COLUMNS: dict[str, str] = {
    "household_number": "户编号",
    "village_code": "村代码",
    "poverty_status": "贫困状态",
    "exit_year": "脱贫年度",
    "registered_on": "登记日期",
    "address": "家庭住址",
}


REQUIRED = [c[0] for c in COLUMNS if c[1]]


EXAMPLE_ROW = [
    "乳源瑶族自治县", "必背镇", "440232100201", "必背村", "4402321002010001", "邓某某", "邓某某",
    "440232198003150013", "户主", "男", "1980-03-15", "全劳动力", "是", "否", "否", "在册贫困户", "", "2026-03-01", "必背村一组12号", "13812345678",
]  # fmt: skip


SEX = {"男": "male", "女": "female", "male": "male", "female": "female"}


RELATION = {
    "户主": "head", "本人": "head", "配偶": "spouse", "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
    "子女": "child", "子": "child", "女": "child", "儿子": "child", "女儿": "child", "之子": "child", "之女": "child",
    "父母": "parent", "父亲": "parent", "母亲": "parent", "孙子女": "grandchild", "孙子": "grandchild", "孙女": "grandchild",
    "兄弟姐妹": "sibling", "兄弟": "sibling", "姐妹": "sibling", "其他": "other",
}  # fmt: skip


LABOUR = {
    "全劳动力": "full", "普通劳动力": "full", "技能劳动力": "full", "有劳动力": "full",
    "半劳动力": "partial", "弱劳动力": "partial", "部分劳动力": "partial",
    "无劳动力": "none", "丧失劳动力": "none",
}  # fmt: skip


YES_NO = {"是": True, "否": False, "": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False, "true": True, "false": False}


STATUS = {
    "在册贫困户": "registered_poor", "贫困户": "registered_poor", "未脱贫": "registered_poor",
    "已脱贫": "exited", "脱贫": "exited", "返贫": "returned_to_poverty", "非贫困户": "not_poor",
}  # fmt: skip


COUNTY_BY_NAME = {name: code for code, name in COUNTIES.items()}
