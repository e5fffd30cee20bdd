#!/usr/bin/env python3
"""Converts yescallop/areacodes' result.csv (GB/T 2260 codes from 1981 on, from the Ministry of Civil
Affairs' lists) into regions.tsv: every division in force, and every one abolished since 2000 with its
successors. Run once per new release of the source; see SOURCE.md.

    python3 convert.py result.csv > regions.tsv
"""
import csv
import sys

LEVELS = {"省级": "PROVINCIAL", "地级": "PREFECTURAL", "县级": "COUNTY"}
FIRST_YEAR_KEPT = 2000


def main(source):
    records = list(csv.DictReader(open(source, encoding="utf-8-sig")))
    latest = {}
    for record in records:
        code = record["代码"]
        current = latest.get(code)
        # The record in force wins; among ended ones, the most recent.
        if current is None or rank(record) > rank(current):
            latest[code] = record
    kept = {
        code: record
        for code, record in latest.items()
        if record["状态"] == "在用" or int(record["变更/弃用时间"]) >= FIRST_YEAR_KEPT
    }
    # A successor abolished before 2000 stays too, so that every successor named is in the file.
    named = [code for record in list(kept.values()) for code in successor_codes(record["新代码"], "")]
    while named:
        code = named.pop()
        if code not in kept and code in latest:
            kept[code] = latest[code]
            named.extend(successor_codes(latest[code]["新代码"], code))
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    for code in sorted(kept, key=lambda code: (depth(code), code)):
        record = kept[code]
        in_force = record["状态"] == "在用"
        abolished_on = "" if in_force else f'{record["变更/弃用时间"]}-12-31'
        successors = [] if in_force else successor_codes(record["新代码"], code)
        out.writerow([code, record["名称"], LEVELS[record["级别"]], parent(code, kept), abolished_on, ",".join(successors)])


def rank(record):
    return (record["状态"] == "在用", int(record["变更/弃用时间"] or 9999), int(record["启用时间"]))


def depth(code):
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def parent(code, kept):
    if code.endswith("0000"):
        return "000000"
    prefecture = code[:4] + "00"
    if not code.endswith("00") and prefecture in kept:
        return prefecture
    return code[:2] + "0000"


def successor_codes(text, code):
    codes = []
    for item in filter(None, text.split(";")):
        successor = item.split("[")[0].strip()
        if successor and successor != code and successor not in codes:
            codes.append(successor)
    return codes


if __name__ == "__main__":
    main(sys.argv[1])
