"""一人一档 (portal/staff/people.py) and 我的信息 (portal/my_data) in the browser.

Demo data (portal/cli/demo_content.py): person 8 is 孙立新 of 甘亭街道, paid the living
allowance – payments, a change, a yearly review, a rating and registry contacts in his file;
person 4 is 杜小龙, whose guardian the demo resident 李梅 (13900000001) is, confirmed at the
counter – so she reads his data (the demo has no resident with a "self" link: the guardian's
page is the same page). The search is a POST answered by a redirect (the text sealed in the
URL): its result states are reached by typing and sending. No visit changes anything.
"""
from a11y_tests.registry import Visit

STREET, DISTRICT, RESIDENT = "13800000001", "13800000002", "13900000001"
SUBMIT = ("click", "main form button[type=submit]")


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


VISITS = [
    Visit("staff_people.search", "/staff/people/", "person-search", account=STREET,
          expect_text=zh_en("查找服务对象", "Find a person")),
    Visit("staff_people.search", "/staff/people/", "person-search-results", account=STREET,
          actions=(("fill", "#q", "孙立新"), SUBMIT),
          expect_text=zh_en("按姓名开头查找", "Searching by the beginning of the name")),
    Visit("staff_people.search", "/staff/people/", "person-search-none", account=STREET,
          actions=(("fill", "#q", "13912345678"), SUBMIT),
          expect_text=zh_en("没有找到符合条件的服务对象", "No one found")),
    Visit("staff_people.search", "/staff/people/", "person-search-error", account=STREET,
          actions=(SUBMIT,),
          expect_text=zh_en("请输入受理编号、身份证号码、手机号码或姓名",
                            "Enter an application reference")),
    Visit("staff_people.person", "/staff/people/8", "person-file", account=STREET,
          expect_text=zh_en("档案记录", "Records")),
    Visit("staff_people.person", "/staff/people/8?kind=payment&kind=review",
          "person-file-filtered", account=STREET,
          expect_text=zh_en("只显示：", "Showing only:")),
    Visit("staff_people.person", "/staff/people/4", "person-file-district", account=DISTRICT,
          expect_text=zh_en("一人一档", "Person file")),
    Visit("my_data.index", "/my-data/", "my-data", account=RESIDENT,
          expect_text=zh_en("可以查看谁的信息", "Whose information you can see")),
    Visit("my_data.person", "/my-data/4/", "my-data-person", account=RESIDENT,
          expect_text=zh_en("办理和联系记录", "What was done and contacts")),
]

EXCLUDED = {
    "my_data.download": "the person's own data as a JSON file (an attachment), not a page; "
                        "its page is my_data.person",
}
