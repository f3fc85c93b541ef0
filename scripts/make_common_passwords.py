"""Build portal/data/common_passwords.txt: passwords people choose most often.

The list is made from well-known patterns (no leaked data is copied): the passwords that head
every published "most common" list, Chinese favourites (888888, 5201314, woaini…), pinyin
names and words, keyboard walks, and those words with the endings people add (123, 1314, 2024, !).
Dates, phone numbers, repeats and runs are checked as rules in portal/accounts/password_policy.py,
so they need not be listed. Run it again after changing the words below:

    python scripts/make_common_passwords.py
"""
from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "portal/data/common_passwords.txt"
MIN_LENGTH = 8  # shorter ones are refused for their length anyway

# Whole passwords that top the lists as they are.
WHOLE = """
123456789 1234567890 12345678 123456789a 1234567a 12345678a a12345678 a123456789
password password1 password123 passw0rd p@ssw0rd p@ssword pa55word pa55w0rd
iloveyou iloveyou1 iloveyou2 loveyou1314 qwertyuiop qwerty123 qwerty12 qwer1234 asdf1234
1qaz2wsx 1qaz2wsx3edc qazwsxedc zaq12wsx zxcvbnm1 zxcvbnm123 asdfghjkl qweasdzxc 1q2w3e4r
1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 abc123456 abcd1234 abcd12345 aa123456 aa12345678
qq123456 qq12345678 a1b2c3d4 a1s2d3f4 5201314 52013145201314 1314520 13145201314 woaini1314
woaini520 woaini123 woaini1234 woaini12345 woaini123456 woaiwojia iloveu1314 wo5201314
520520520 5201314a 5201314520 1314521 147258369 147852369 159357456 159753123 123654789
987654321 9876543210 11223344 1122334455 112233445566 12341234 123123123 123321123
1234512345 123456123 123456654321 123456abc 123456qq 123456aa a1234567 qwe123456 asd123456
zxc123456 abc12345678 admin123 admin1234 admin12345 administrator root1234 test1234 test12345
welcome1 welcome123 sunshine princess football baseball superman batman123 dragon123
monkey123 letmein1 trustno1 master123 shadow123 michael1 jennifer computer internet
changeme changeme1 default1 guest1234 huawei123 xiaomi123 wechat123 weixin123 taobao123
alipay123 baidu123 tencent1 qq1234567 qazwsx123 1234qwer qwerasdf 88888888 66666666
11111111 00000000 12121212 13131313 52525252 99999999 168168168 16881688 18881888
88886666 66668888 518518518 8888888888 6666666666 1234567890a woshishui woshishei
nihao123 nihao1234 xiaoming123 zhongguo123 zhonghua123 huyi1234 xian1234 xian12345
shaanxi1 shanxi123 changan123 qinling123 zhongnanshan
"""

# Words people build passwords from: English favourites, pinyin names and words.
WORDS = """
password iloveyou qwerty abc admin root user test love lover monkey dragon master shadow
sunshine princess football baseball superman batman welcome hello letmein freedom flower
angel happy lucky summer winter china beijing shanghai xian huyi shaanxi shanxi changan
woaini aini wojia baobei laopo laogong xiaobao xiaobai xiaohua xiaoming xiaohong xiaoyu
zhangwei wangwei wangfang liwei lina zhangmin lijing wangjing liuwei wangli zhangli lijun
zhangyong wanglei lixiuying wangxiuying zhangxiuying liuyang zhangjie lijie wangjun
zhangjun liujun wangyong liyong zhangtao wangtao litao zhangyan wangyan liyan chenjing
chenwei yangwei zhaowei huangwei zhouwei wuwei xuwei sunwei maliang zhujun hujun guojing
heping yangyang tiantian lele beibei huanhuan jingjing xinxin feifei yuanyuan mingming
dongdong longlong haohao nannan pingan kuaile xingfu meimei jiejie gege didi mama baba
zhongguo zhonghua huawei xiaomi tencent taobao weixin wechat baidu alibaba qqqq
asdf zxcv qwer asdfgh zxcvbn qazwsx woshishui nihao hello520 wangyi sina sohu
"""

ENDINGS = """
1 12 123 1234 12345 123456 1234567 111 000 666 888 999 520 521 1314 5201314 168 2008 2010
2012 2015 2018 2019 2020 2021 2022 2023 2024 2025 2026 ! !! @ # . 123! 123. @123 #123 _123
"""


def _variants(word: str):
    yield word
    for ending in ENDINGS.split():
        yield word + ending
    yield word + word
    yield "1314" + word
    yield "520" + word


def build() -> list[str]:
    found = set(WHOLE.split())
    for word in WORDS.split():
        found.update(_variants(word))
    return sorted({p.lower() for p in found if len(p) >= MIN_LENGTH})


def main() -> None:
    passwords = build()
    header = ("# Common passwords, one a line (made by scripts/make_common_passwords.py; "
              "lower case; compared case-insensitively).\n")
    OUT.write_text(header + "\n".join(passwords) + "\n", encoding="utf-8")
    print(f"{len(passwords)} passwords written to {OUT}")


if __name__ == "__main__":
    main()
