"""Message content: phrase templates, Luhn / order / card / phone helpers that fill their placeholders,
and the content pool (rebuilt per day; messages only carry an index into it)."""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from cs_devtools.demo_data.arrays import IntArray

# Phrases (placeholders in braces are filled per day from a seeded random.Random)
USER_TEXT_TEMPLATES: Final = (
    "在吗", "这个有货吗", "什么时候发货", "能便宜点吗", "尺码怎么选，我身高{height}",
    "订单号 {order} 什么时候到", "快递单号 {tracking} 怎么查不到物流", "这是正品吗 不会是高仿吧",
    "能开发票吗", "我想退货", "收到的东西坏了", "颜色和图片不一样", "有优惠券吗", "可以发顺丰吗",
    "{price}元能包邮吗", "这个usb接口是type-c吗", "滚筒洗衣机能用吗", "好的谢谢", "多久能到", "怎么还没发货",
    "可以改地址吗", "已经付款了", "保质期到什么时候", "是保税仓发货吗", "清关要身份证吗", "海外直邮要交税吗",
    "你们是sb吗 怎么还不发货",  # a user being rude is not a merchant breach
)
MERCHANT_TEXT_TEMPLATES: Final = (
    "亲，在的，请问有什么可以帮您", "亲，有货的哦，拍下就发", "今天{hour}点前下单当天发货",
    "亲，这是正品 不是高仿，支持专柜验货", "我们只卖正品，放心购买", "订单号 {order} 已经发出，快递单号 {tracking}",
    "亲，保税仓发货，预计{days}天到", "价格是 ¥{price}，已经是最低了", "亲，可以领店铺券再减{coupon}元",
    "请联系平台客服介入处理", "垃圾分类说明在包装背面", "这款滚筒洗衣机专用", "这款是usb-c接口",
    "好的亲，已为您备注", "亲，清关需要实名信息，请在订单页填写", "亲，退货请在订单页申请，我们尽快处理",
    "亲，尺码建议选{size}", "感谢支持，祝您生活愉快", "亲，图片仅供参考，以实物为准", "亲，物流显示已到{city}",
    "亲，订单 {order} 退款已处理，{days}个工作日到账", "亲，快递单号是 {tracking}", "亲，发票在订单详情页申请",
    "亲，滚动条拉到下面有尺码表", "平台规则要求七天无理由退货，我们支持",
)
EMOJI_TEXTS: Final = ("[微笑]", "[点赞]", "[疑问]", "[哭]", "[OK]", "[抱拳]", "[玫瑰]", "[捂脸]")
PRODUCT_CARD_TEMPLATES: Final = ("【{brand}】{product} 海外直邮 ¥{price}", "【{brand}】{product} 保税仓发货 ¥{price}")
ORDER_CARD_TEMPLATES: Final = ("订单 {order} 实付 ¥{price}", "订单 {order} 待发货")
ROBOT_TEMPLATES: Final = (
    "您好，欢迎光临，客服马上为您服务", "【自动回复】亲，咨询高峰期，请稍候", "【自动回复】发货时间：付款后48小时内",
    "您好，我是智能助手，请描述您的问题", "【自动回复】亲，保税仓商品预计{days}天送达",
)
SYSTEM_TEMPLATES: Final = (
    "【订单通知】订单 {order} 已付款", "【订单通知】订单 {order} 已发货", "【系统】买家已进入会话",
    "【物流通知】{tracking} 已签收", "【订单通知】订单 {order} 已申请退款",
)
HARASSMENT_TEXTS: Final = (
    "亲，在吗？", "亲，看到了回一下", "亲 上新了 来看看", "亲，给个好评呗", "亲 活动最后一天了", "亲？？", "亲 还要吗",
)
# 2.11: what the bot-operated account sends (the same long text to everyone, in about a second)
AUTOMATION_REPLY_TEXT: Final = (
    "亲，您好！本店商品均为海外直采正品，付款后四十八小时内从保税仓发货，有任何问题请留言，我们会第一时间为您处理"
)
AUTOMATION_BROADCAST_TEXT: Final = (
    "【限时福利】亲，店铺周年庆全场满一百九十九减五十，今晚零点截止，记得来店铺首页领券哦"
)
BREACH_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "outside_link": (
        "加我领券 weixin点com/{wx}", "去 t.cn/{code} 下单便宜{coupon}元", "淘宝搜 {wx}小店 更便宜",
        "www点{wx}点com 有现货", "别在这拍了 去 t.cn/{code}",
    ),
    "phone": ("有事打我电话 {phone_spaced}", "电话 {phone_cn_mixed}", "手机号：{phone_dashed}", "直接打 {phone_cn}"),
    "wechat": ("加v: {wx}", "加vx {wx} 发你优惠", "+微 {wx}", "薇信 {wx} 私聊", "v信{wx}"),
    "bank_card": ("直接转账到 {card_spaced} 便宜{coupon}", "卡号{card}，户名张三", "打款到 {card_spaced} 备注订单号"),
    "email": ("发邮件到 {mail_at}", "邮箱 {mail_fw}", "资料发 {mail} 就行"),
    "counterfeit": (
        "高仿的 质量很好", "精 仿 版本，和专柜一模一样", "A货 {price}元", "非正品但质量好", "复刻版 细节到位",
        "这是1:1复刻", "高 仿 包邮", "复印版 便宜",
    ),
    "abuse": ("傻逼", "你是sb吗 看不懂字？", "滚", "滚 别来烦我", "神经病吧你", "脑子有病"),
    "threat": ("小心点 我知道你住哪", "再给差评你等着", "信不信我找人收拾你"),
    "impersonation": (
        "我是平台客服，请按我说的操作退款", "平台官方保证 假一赔十", "【平台通知】您的账户异常，请加{wx}处理",
        "我们是平台官方合作，平台担保",
    ),
}
BREACH_CATEGORIES: Final = tuple(BREACH_TEMPLATES)
CARD_BINS: Final = ("622202", "621700", "622848", "622588", "621226", "436742")
BRANDS: Final = ("Swisse", "a2", "Blackmores", "SK-II", "Dyson", "Coach", "Kiehl's", "Aptamil")
PRODUCTS: Final = ("鱼油软胶囊", "奶粉3段", "护肝片", "神仙水230ml", "吹风机", "托特包", "高保湿面霜", "维生素C")
CITIES: Final = ("杭州转运中心", "上海", "广州", "北京分拨中心", "成都", "宁波保税区")
SIZES: Final = ("S", "M", "L", "XL", "38码", "40码")
CHINESE_DIGITS: Final = str.maketrans("0123456789", "零一二三四五六七八九")
TEMPLATE_VARIANTS: Final = 6  # variants of each template with placeholders, per day


def luhn_valid(digits: str) -> bool:
    """True if ``digits`` (ASCII digits only, at least 2) passes the Luhn check."""
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """Append the check digit that makes ``prefix`` + digit Luhn-valid."""
    if not (prefix.isascii() and prefix.isdigit()):
        raise ValueError(f"not a digit string: {prefix!r}")
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = ord(ch) - 48
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


@dataclass
class ContentPool:
    """The day's distinct content strings, grouped in named contiguous segments."""

    strings: list[str] = field(default_factory=list)
    segments: dict[str, tuple[int, int]] = field(default_factory=dict)
    breach_category: list[int] = field(default_factory=list)

    def add(self, name: str, texts: Sequence[str]) -> None:
        self.segments[name] = (len(self.strings), len(texts))
        self.strings.extend(texts)

    def sample(self, rng: np.random.Generator, name: str, n: int) -> IntArray:
        start, length = self.segments[name]
        return start + rng.integers(0, length, n)


def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice(string.digits) for _ in range(n))


def order_number(r: random.Random) -> str:
    """A 19-digit order number that is deliberately NOT Luhn-valid (a hard negative for card checks)."""
    s = r.choice("123456789") + _digits(r, 18)
    return s[:-1] + str((int(s[-1]) + 1) % 10) if luhn_valid(s) else s


def bank_card(r: random.Random) -> str:
    """A Luhn-valid 16- or 19-digit card number on a common Chinese BIN."""
    prefix = r.choice(CARD_BINS)
    length = r.choice((16, 19))
    return luhn_complete(prefix + _digits(r, length - 1 - len(prefix)))


def group4(s: str) -> str:
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def phone_number(r: random.Random) -> str:
    return "1" + r.choice("3456789") + _digits(r, 9)


PLACEHOLDER_FACTORIES: Final[dict[str, Callable[[random.Random], str]]] = {
    "order": order_number,
    "tracking": lambda r: r.choice(("SF", "YT", "JD", "ZTO")) + _digits(r, 12),
    "price": lambda r: f"{r.randint(9, 2999)}.{r.choice(('00', '90', '99', '50'))}",
    "height": lambda r: f"{r.randint(150, 190)}cm",
    "hour": lambda r: str(r.choice((14, 16, 17, 18))),
    "days": lambda r: str(r.randint(2, 12)),
    "coupon": lambda r: str(r.choice((5, 10, 20, 30, 50))),
    "size": lambda r: r.choice(SIZES),
    "city": lambda r: r.choice(CITIES),
    "brand": lambda r: r.choice(BRANDS),
    "product": lambda r: r.choice(PRODUCTS),
    "wx": lambda r: r.choice(("abc", "kf", "vip", "hk", "shop")) + _digits(r, r.randint(3, 6)),
    "code": lambda r: "".join(r.choice(string.ascii_letters + string.digits) for _ in range(r.randint(3, 7))),
    "card": bank_card,
    "card_spaced": lambda r: group4(bank_card(r)),
    "phone_spaced": lambda r: (lambda p: f"{p[:3]} {p[3:7]} {p[7:]}")(phone_number(r)),
    "phone_dashed": lambda r: (lambda p: f"{p[:3]}-{p[3:7]}-{p[7:]}")(phone_number(r)),
    "phone_cn": lambda r: phone_number(r).translate(CHINESE_DIGITS),
    "phone_cn_mixed": lambda r: (lambda p: f"{p[:3].translate(CHINESE_DIGITS)} {p[3:7]} {p[7:]}")(phone_number(r)),
    "mail": lambda r: f"kf{_digits(r, 4)}@qq.com",
    "mail_at": lambda r: f"kf{_digits(r, 4)} at {r.choice(('qq', '163', 'gmail'))} dot com",
    "mail_fw": lambda r: f"shop{_digits(r, 3)}＠163.com",
}


def fill_templates(r: random.Random, templates: Sequence[str], variants: int) -> list[str]:
    """Expand each template: constants once, templates with placeholders ``variants`` times (no repeats)."""
    out: list[str] = []
    formatter = string.Formatter()
    for tpl in templates:
        keys = [k for _, k, _, _ in formatter.parse(tpl) if k]
        if not keys:
            out.append(tpl)
            continue
        for _ in range(variants):
            out.append(tpl.format(**{k: PLACEHOLDER_FACTORIES[k](r) for k in keys}))
    return list(dict.fromkeys(out))


def build_content_pool(r: random.Random) -> ContentPool:
    """All content strings messages of one day can carry."""
    pool = ContentPool()
    pool.add("user_text", fill_templates(r, USER_TEXT_TEMPLATES, TEMPLATE_VARIANTS))
    pool.add("merchant_text", fill_templates(r, MERCHANT_TEXT_TEMPLATES, TEMPLATE_VARIANTS))
    pool.add("emoji", list(EMOJI_TEXTS))
    pool.add("product_card", fill_templates(r, PRODUCT_CARD_TEMPLATES, 4 * TEMPLATE_VARIANTS))
    pool.add("order_card", fill_templates(r, ORDER_CARD_TEMPLATES, 4 * TEMPLATE_VARIANTS))
    pool.add("robot", fill_templates(r, ROBOT_TEMPLATES, 2))
    pool.add("system", fill_templates(r, SYSTEM_TEMPLATES, 2 * TEMPLATE_VARIANTS))
    pool.add("harassment", list(HARASSMENT_TEXTS))
    breaches: list[str] = []
    for cat, templates in enumerate(BREACH_TEMPLATES.values()):
        texts = fill_templates(r, templates, 3)
        breaches += texts
        pool.breach_category += [cat] * len(texts)
    pool.add("breach", breaches)
    pool.add("automation", [AUTOMATION_REPLY_TEXT, AUTOMATION_BROADCAST_TEXT])  # last: earlier indices unchanged
    return pool
