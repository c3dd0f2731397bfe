"""The demo's cast: guards, the control room, and the visitors of a congress day (made-up names and
valid-looking ID numbers; nobody real)."""
import datetime as dt
import io
import random

GUARDS = (("demo-zhang", "张伟"), ("demo-li", "李娜"), ("demo-wang", "王强"), ("demo-liu", "刘洋"),
          ("demo-chen", "陈静"), ("demo-zhao", "赵磊"))
OPERATOR = ("demo-operator", "周敏（值班员）")
COMMANDER = ("demo-commander", "孙海（指挥长）")
ADMIN = ("demo-admin", "演示管理员")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "霞",
         "平", "刚", "建华", "文", "海燕", "志强", "晓东", "丹", "宁", "欣怡", "子轩", "浩然")
ORGS = ("市发展和改革委员会", "市教育局", "市卫生健康委员会", "市交通运输局", "新华社", "市电视台", "市工商联",
        "中国建设银行市分行", "市人民医院", "市外事办公室")
HOSTS = ("会务组 王老师", "办公厅 李主任", "新闻中心 陈老师", "接待处 刘科长")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The person the watchlist asks about (an alert by name: a possible match, for the operator to judge).
WATCHED_NAME = "赵立新"


def resident_id(rng):
    """Return a made-up resident ID number with a valid check character (GB 11643)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    body = f"{rng.choice(('110101', '310104', '440106', '320102', '330106'))}{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS))
    return body + "10X98765432"[total % 11]


def visitor(rng, *, name=None):
    """Return a made-up visitor (registration fields)."""
    return {"name": name or rng.choice(SURNAMES) + rng.choice(GIVEN), "id_type": "resident_id",
            "id_number": resident_id(rng), "organization": rng.choice(ORGS), "host": rng.choice(HOSTS),
            "purpose": "参加全体会议 / plenary session"}


def plate(rng):
    """Return a made-up plate."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{rng.choice('京沪粤苏浙')}{rng.choice(letters)}{rng.choice(letters)}{rng.randrange(10000):04d}"


def expected_csv(rng, day, count):
    """Return (CSV text, the rows) of the expected-visitor list for a day."""
    rows = [visitor(rng) for _ in range(count)]
    lines = ["name,id_type,id_number,organization,host,date,plate"]
    lines += [f"{r['name']},{r['id_type']},{r['id_number']},{r['organization']},{r['host']},{day},"
              for r in rows]
    return "\n".join(lines) + "\n", rows


def bag_photo():
    """Return a small JPEG (a grey bag on a bench) for the suspicious-item report."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (200, 198, 190))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 300, 560, 330), fill=(120, 90, 60))
    draw.rounded_rectangle((240, 190, 420, 300), radius=18, fill=(60, 62, 70))
    draw.arc((290, 150, 370, 220), 180, 360, fill=(40, 40, 40), width=8)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def rng_for(seed=None):
    """Return the demo's random source (seeded for repeatable tests)."""
    return random.Random(seed)
