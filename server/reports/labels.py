"""The report's words in both languages: parts, tables, columns and headline figures (zh-CN, en)."""

PARTS = {
    "patrols": ("巡逻", "Patrols"),
    "visitors": ("访客与车辆", "Visitors and vehicles"),
    "incidents": ("事件处置", "Incidents"),
    "inspections": ("检查与隐患整改", "Inspections and hazards"),
    "clearance": ("会后清场", "Clearance"),
    "guards": ("人员活动", "Activity per guard"),
}

TABLES = {
    "windows": ("各检查点分时段巡逻", "Per checkpoint and phase window"),
    "hourly": ("各出入口每小时签到", "Check-ins per hour per entrance"),
    "padding": ("疑似重复签到（同一人同一点一分钟内）", "Possible padding (same guard, same point, within a minute)"),
    "per_hour": ("各出入口每小时登记访客", "Visitors registered per hour per entrance"),
    "expected": ("预约与到访", "Expected and arrived"),
    "vehicles": ("各门车辆", "Vehicles per gate"),
    "by_category": ("按类别和等级", "By category and severity"),
    "reaction": ("响应时间（对照升级阈值）", "Time to acknowledge and resolve, against the escalation thresholds"),
    "sop_skipped": ("跳过的处置步骤及原因", "SOP steps skipped and why"),
    "agencies": ("通知外部单位", "Agencies notified"),
    "duplicates": ("重复上报", "Duplicates"),
    "coverage": ("必检清单覆盖（各区域）", "Required checklists covered per area"),
    "open_hazards": ("未整改隐患", "Hazards still open"),
    "overrides": ("强制就绪及原因", "Readiness overrides and their reasons"),
    "rounds": ("清场轮次", "Clearance rounds"),
    "guards": ("保安人员活动", "Guards' activity"),
}

WORDS = {
    # columns
    "checkpoint_id": ("检查点", "Checkpoint"), "phase": ("阶段", "Phase"), "from": ("开始", "From"),
    "to": ("结束", "To"), "interval_min": ("规定间隔（分钟）", "Required interval (min)"),
    "checkins": ("签到次数", "Check-ins"), "longest_gap_min": ("最长间隔（分钟）", "Longest gap (min)"),
    "within_interval_pct": ("间隔内时间占比（%）", "Window within interval (%)"),
    "missed_windows": ("漏巡次数", "Missed windows"), "hour": ("时段", "Hour"), "total": ("合计", "Total"),
    "guard": ("保安", "Guard"), "at": ("时间", "At"), "seconds_after_previous": ("距上次（秒）", "Seconds after previous"),
    "entrance_id": ("出入口", "Gate"), "in": ("驶入", "In"), "out": ("驶出", "Out"),
    "no_pass": ("无通行证告警", "No-pass alerts"), "day": ("日期", "Day"), "expected": ("预约人数", "Expected"),
    "arrived": ("已到", "Arrived"), "category": ("类别", "Category"),
    "severity_1": ("1级", "Severity 1"), "severity_2": ("2级", "Severity 2"), "severity_3": ("3级", "Severity 3"),
    "severity_4": ("4级", "Severity 4"), "severity": ("等级", "Severity"), "incidents": ("事件数", "Incidents"),
    "acknowledged": ("已接警", "Acknowledged"), "ack_median_min": ("接警中位数（分钟）", "Ack. median (min)"),
    "ack_p90_min": ("接警P90（分钟）", "Ack. p90 (min)"), "ack_max_min": ("接警最长（分钟）", "Ack. max (min)"),
    "escalate_after_min": ("升级阈值（分钟）", "Escalation threshold (min)"),
    "ack_over_threshold": ("超过阈值", "Over threshold"), "resolved": ("已处置", "Resolved"),
    "resolve_median_min": ("处置中位数（分钟）", "Resolve median (min)"),
    "resolve_p90_min": ("处置P90（分钟）", "Resolve p90 (min)"), "resolve_max_min": ("处置最长（分钟）", "Resolve max (min)"),
    "incident_id": ("事件编号", "Incident"), "resolved_at": ("处置时间", "Resolved at"),
    "steps": ("跳过步骤", "Steps skipped"), "reason": ("原因", "Reason"), "agency": ("单位", "Agency"),
    "reference": ("回执编号", "Reference"), "duplicate_of": ("重复于", "Duplicate of"),
    "checklist_id": ("检查表", "Checklist"), "area_id": ("区域", "Area"), "days_required": ("应检天数", "Days required"),
    "days_inspected": ("已检天数", "Days inspected"), "days_passed": ("合格天数", "Days passed"),
    "hazard_id": ("隐患编号", "Hazard"), "item_id": ("检查项", "Item"), "critical": ("关键项", "Critical"),
    "opened_at": ("发现时间", "Found at"), "missing": ("未就绪项", "What was missing"),
    "round_id": ("轮次", "Round"), "started_at": ("开始", "Started"), "completed_at": ("完成", "Completed"),
    "duration_min": ("用时（分钟）", "Duration (min)"), "zones_cleared": ("已清区域", "Zones cleared"),
    "zones_with_people": ("发现人员的区域", "Zones where people were found"), "people_found": ("发现人数", "People found"),
    "zones_reswept": ("复查区域", "Zones re-swept"), "display_name": ("姓名", "Name"),
    "first": ("首次活动", "First activity"), "last": ("最后活动", "Last activity"),
    "visitors": ("登记访客", "Visitors"), "inspections": ("检查次数", "Inspections"),
    "clearance_confirmations": ("清场确认", "Clearance confirmations"),
    "duty_starts": ("上岗次数", "Times on duty at a post"),
    "checkins_qr": ("扫码签到", "Check-ins by QR code"),
    "checkins_manual": ("手动签到", "Check-ins from the list"),
    # headline figures
    "windows": ("巡逻时段", "Patrol windows"),
    "lowest_within_interval_pct": ("最低间隔内占比（%）", "Lowest share within interval (%)"),
    "possible_padding": ("疑似重复签到", "Possible padding"), "registered": ("登记访客", "Visitors registered"),
    "checked_out": ("离场", "Checked out"), "peak_on_site": ("最高在场人数", "Peak on site"),
    "peak_at": ("峰值时间", "Peak at"), "expected_arrived": ("预约已到", "Expected who arrived"),
    "overstays": ("超时滞留", "Overstays"), "watchlist_hits": ("关注名单命中", "Watchlist hits"),
    "watchlist_possible": ("疑似命中", "Possible matches"), "watchlist_confirmed": ("确认命中", "Confirmed"),
    "watchlist_dismissed": ("排除", "Dismissed"), "denials": ("拒绝入场", "Denials"),
    "vehicles_in": ("车辆驶入", "Vehicles in"), "no_pass_alerts": ("无通行证告警", "No-pass alerts"),
    "sop_skipped": ("跳过处置步骤", "Resolved with SOP steps skipped"),
    "agencies_notified": ("通知外部单位", "Agencies notified"), "duplicates": ("重复上报", "Duplicates"),
    "required_cells": ("必检（区域×天）", "Required (area × day)"), "required_covered": ("已覆盖", "Covered"),
    "hazards_found": ("发现隐患", "Hazards found"), "fixed_on_spot": ("立行立改", "Fixed on the spot"),
    "fixed_on_spot_pct": ("立行立改占比（%）", "Fixed on the spot (%)"),
    "median_minutes_to_fix": ("整改时间中位数（分钟）", "Median time to fix (min)"),
    "still_open": ("未整改", "Still open"), "readiness_overrides": ("强制就绪", "Readiness overrides"),
    "rounds": ("清场轮次", "Rounds"), "completed": ("已完成", "Completed"),
    "longest_duration_min": ("最长用时（分钟）", "Longest duration (min)"), "guards": ("保安人数", "Guards"),
}

TEXT = {
    "title": ("安保工作总结报告", "After-action report"),
    "summary": ("要点", "Summary"), "none": ("无", "None"),
    "venue": ("场馆", "Venue"), "period": ("时间范围", "Period"), "generated": ("生成时间", "Generated"),
    "for": ("阅读人", "Prepared for"), "events_read": ("依据事件数", "Events read"),
    "audit": ("审计链头", "Audit chain head"),
    "audit_none": ("未安装审计日志，本报告不含审计链头", "No audit log installed: this report carries no chain head"),
    "chart_patrols": ("各出入口每小时签到", "Check-ins per hour at the entrances"),
    "chart_visitors": ("每小时登记访客", "Visitors registered per hour"),
    "page": ("第 {n} 页", "Page {n}"),
}


def word(table, key, lang):
    """Return a word of one table in a language (zh-CN or en); unknown keys stand for themselves."""
    pair = table.get(key)
    return key if pair is None else pair[0 if lang == "zh-CN" else 1]
