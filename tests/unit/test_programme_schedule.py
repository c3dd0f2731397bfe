"""The programme at a moment (pure): a meeting's states through the day, the meeting at hand, the
phase proposed, and the window the timeline and the report use."""
import datetime as dt

from server import events as ev
from server.programme import schedule
from server.venue import load_venue

VENUE = load_venue()  # Asia/Shanghai, the daily template: plenary 09:00–12:00, groups 14:00–17:00


def at(hhmm, day="2026-12-04"):
    """Return the UTC moment of a Shanghai time."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+08:00").astimezone(dt.timezone.utc)


def test_a_meeting_goes_upcoming_check_due_in_session_clearing_then_done_once_cleared():
    plenary = schedule.today(VENUE, at("07:00"))[0]
    assert plenary["meeting_id"] == "2026-12-04.plenary" and plenary["check_from_local"] == "08:00"
    states = [schedule.state(plenary, at(t)) for t in ("07:59", "08:00", "09:00", "11:59", "12:00")]
    assert states == ["upcoming", "check_due", "in_session", "in_session", "clearing"]
    earlier = {"started_at": ev.iso(at("08:30")), "completed_at": ev.iso(at("08:40"))}  # a round before it began
    assert schedule.state(plenary, at("12:30"), earlier) == "clearing"
    after = {"started_at": ev.iso(at("12:01")), "completed_at": ev.iso(at("12:20"))}
    assert schedule.state(plenary, at("12:30"), after) == "done"


def test_the_meeting_at_hand_and_the_next_one():
    assert schedule.at_hand(VENUE, at("10:00"))["meeting_id"].endswith(".plenary")
    assert schedule.at_hand(VENUE, at("12:30"))["meeting_id"].endswith(".groups")
    assert schedule.at_hand(VENUE, at("17:30")) is None
    assert schedule.upcoming(VENUE, at("17:30"))["meeting_id"] == "2026-12-05.plenary"  # tomorrow's first


def test_the_programme_proposes_in_session_in_a_meetings_hours_and_post_event_after_it():
    assert schedule.proposal(VENUE, at("08:30"), "pre_event") is None  # the check, not the session
    proposed = schedule.proposal(VENUE, at("09:01"), "pre_event")
    assert proposed["phase"] == "in_session" and proposed["meeting"]["meeting_id"].endswith(".plenary")
    assert schedule.proposal(VENUE, at("09:01"), "in_session") is None
    after = schedule.proposal(VENUE, at("12:05"), "in_session")
    assert after["phase"] == "post_event" and after["meeting"]["meeting_id"].endswith(".plenary")
    assert schedule.proposal(VENUE, at("12:05"), "post_event") is None


def test_a_meetings_window_runs_from_its_check_to_the_next_meetings_check():
    assert schedule.windows(VENUE, "2026-12-04.plenary") == (at("08:00"), at("13:00"))
    assert schedule.windows(VENUE, "2026-12-04.groups") == (at("13:00"), at("00:00", "2026-12-05"))
    assert schedule.windows(VENUE, "2027-03-15.opening") == (at("08:00", "2027-03-15"), at("13:00", "2027-03-15"))
    assert schedule.windows(VENUE, "2026-12-04.opening") is None and schedule.windows(VENUE, "nope") is None
