#!/usr/bin/python3
"""Make the firm-table corpus of tests/data/firms/ from clean.csv (60 firms, `phoenix synth`
output). Each file is the same table as an Excel or government system might export it, or a
broken one; EXPECTED says what phoenix must do with each (tests/t_firm_tables.sh checks it).
Run from this directory: ./make_corpus.py (the files are committed; rerun after changing it)."""
import csv

rows = list(csv.reader(open("clean.csv", encoding="utf-8")))
head, body = rows[0], rows[1:]
ZH_HEAD = {"id": "统一社会信用代码", "district": "区县（市）", "sector": "行业",
           "above_scale": "是否规上", "land_mu": "用地面积（亩）", "value_added": "增加值(万元)",
           "tax": "税收(万元)", "energy_tce": "综合能耗(吨标煤)", "electricity_kwh": "用电量(千瓦时)",
           "employees": "从业人员", "rd_ratio": "研发投入占比", "emissions": "排放量"}
DISTRICT_ZH = {"shangcheng": "上城区", "gongshu": "拱墅区", "xihu": "西湖区", "binjiang": "滨江区",
               "xiaoshan": "萧山区", "yuhang": "余杭区", "linping": "临平区", "qiantang": "钱塘区",
               "fuyang": "富阳区", "linan": "临安区", "tonglu": "桐庐县", "chunan": "淳安县",
               "jiande": "建德市"}
SECTOR_ZH = {"textiles": "纺织化纤", "chemicals": "化工", "minerals": "非金属矿物", "metals": "金属",
             "equipment": "通用专用设备", "electronics": "电气电子", "pharma": "医药", "other": "其他"}
SECTOR_GBT = {"textiles": "纺织业", "chemicals": "化学原料和化学制品制造业",
              "minerals": "非金属矿物制品业", "metals": "金属制品业", "equipment": "通用设备制造业",
              "electronics": "计算机、通信和其他电子设备制造业", "pharma": "医药制造业",
              "other": "其他制造业"}
NUM = set(head[4:])


def thousands(s):
    """12345.678 -> 12,345.678 (numbers with an exponent stay as they are)."""
    if "e" in s or "E" in s:
        return s
    whole, _, frac = s.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ",".join([whole] + groups) + ("." + frac if frac else "")


def write(name, table, delim=",", end="\n", enc="utf-8", quote=csv.QUOTE_MINIMAL, bom=b""):
    class D(csv.excel):
        delimiter = delim
        lineterminator = end
        quoting = quote
    import io
    buf = io.StringIO()
    csv.writer(buf, dialect=D).writerows(table)
    open(name, "wb").write(bom + buf.getvalue().encode(enc))


def chinese(r, k):
    out = []
    for col, v in zip(head, r):
        if col == "district":
            v = DISTRICT_ZH[v]
        elif col == "sector":
            v = (SECTOR_ZH if k % 2 else SECTOR_GBT)[v]
        elif col == "above_scale":
            v = "是" if v == "1" else "否"
        out.append(v)
    return out


# ---- twins: the same 60 firms ----
write("utf8_bom_crlf.csv", rows, end="\r\n", bom=b"\xef\xbb\xbf")
write("excel_quoted.csv", [head] + [[thousands(v) if c in NUM else v for c, v in zip(head, r)]
                                    for r in body], quote=csv.QUOTE_ALL, end="\r\n")
write("tab.tsv", rows, delim="\t")
write("semicolon.csv", rows, delim=";")
write("cr_only.csv", rows, end="\r")
write("excel_unicode.txt", rows, delim="\t", end="\r\n", enc="utf-16-le", bom=b"\xff\xfe")
# Chinese headers and values, columns reordered, a name column with a comma, quotes and a line
# break, a title row above the header and an empty row below, as GBK (Chinese Excel's default)
order = [10, 0, 2, 1, 3, 5, 4, 6, 8, 7, 9, 11]
zh = [["2023年度工业企业亩均效益综合评价结果"] + [""] * 12,
      ["企业名称"] + [ZH_HEAD[head[i]] for i in order]]
for k, r in enumerate(body):
    c = chinese(r, k)
    zh.append(['杭州"凤凰"制造有限公司,第%d分厂\n(新厂区)' % k] + [c[i] for i in order])
zh.append([""] * 13)
write("gbk_chinese.csv", zh, end="\r\n", enc="gbk")
write("utf8_chinese.csv", zh, end="\n")

# ---- refused, each with its message (EXPECTED) ----
def lines_of(name):
    return open(name, "rb").read().split(b"\n")


text = open("clean.csv", "rb").read()
ls = text.split(b"\n")
ls[4] = ls[4][:20] + b"\x00" + ls[4][20:]
open("nul.csv", "wb").write(b"\n".join(ls))
drop = {"tax", "energy_tce", "employees"}
keep = [i for i, c in enumerate(head) if c not in drop]
write("missing_columns.csv", [[r[i] for i in keep] for r in rows])
bad = [list(r) for r in rows]
bad[3][head.index("value_added")] = "12x"
write("not_a_number.csv", bad)
bad = [list(r) for r in rows]
bad[5][head.index("land_mu")] = "1e308"
write("huge.csv", bad)
bad = [list(r) for r in rows]
bad[6][head.index("tax")] = "1e400"
write("overflow.csv", bad)
bad = [list(r) for r in rows]
bad[2][head.index("sector")] = "造纸\x80"
open("undecodable.csv", "wb").write(
    "\n".join(",".join(r) for r in bad).encode("utf-8", "surrogateescape").replace(b"\xc2\x80", b"\x80") + b"\n")
ls = text.split(b"\n")
ls[7] = ls[7].replace(b",", b',"ab"c,', 1).replace(b',"ab"c,', b",", 0)
fields = ls[7].split(b",")
fields[0] = b'x"7"'
ls[7] = b",".join(fields)
open("bad_quote.csv", "wb").write(b"\n".join(ls))
ls = text.split(b"\n")
ls[9] = b'"10' + ls[9][len(b"10"):]
open("unclosed_quote.csv", "wb").write(b"\n".join(ls))
bad = [list(r) for r in rows] + [["合计", "", "", "", "999", "1", "1", "1", "1", "1", "0", "0"]]
write("totals_row.csv", bad)
bad = [list(r) for r in rows]
bad[2][head.index("tax")] = "12,5"
write("decimal_comma.csv", bad, delim=";")
