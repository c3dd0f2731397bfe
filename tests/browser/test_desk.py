"""The commander's timeline and the admin's user page."""
import re

from playwright.sync_api import expect

from .pw_helpers import PASSWORD, sign_in_api


def test_timeline_filters_pages_and_shows_details(make_context, live_server):
    live_server.add_user("desk_guard", "guard", PASSWORD, display_name="赵六")
    live_server.add_user("desk_operator", "operator", PASSWORD)
    token = live_server.token("desk_guard")
    for n in range(7):
        answer = live_server.post("/api/v1/checkins", token, {"checkpoint_id": "E2" if n % 2 else "C1", "status": "clear"})
        assert answer.status_code == 201, answer.text
    context = make_context(lang="en")
    sign_in_api(context, "desk_operator")
    page = context.new_page()
    page.goto("/command?lang=en")
    rows = page.locator("[data-rows] tr")
    expect(rows.first).to_be_visible()

    page.locator('select[name="location"]').select_option("E2")
    page.locator('input[name="actor"]').fill("desk_guard")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("E2 East gate")
    expect(rows.first.locator("td").last).to_have_text("赵六")  # the display name, not the username

    rows.first.click()
    detail = page.locator("[data-detail]")
    expect(detail).to_contain_text('"type": "patrol.checkin"')
    expect(detail).to_contain_text('"checkpoint_id": "E2"')

    page.locator('select[name="location"]').select_option("")
    page.locator('select[name="type"]').select_option("patrol.checkin")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(7)


def test_timeline_pages_with_next(make_context, live_server):
    live_server.add_user("desk_operator", "operator", PASSWORD)
    context = make_context(lang="en")
    sign_in_api(context, "desk_operator")
    page = context.new_page()
    page.route(re.compile(r"/api/v1/events\?"), lambda route: route.continue_(
        url=route.request.url.replace("limit=50", "limit=2")))
    page.goto("/command?lang=en")
    rows = page.locator("[data-rows] tr")
    expect(rows).to_have_count(2)
    first_id = rows.first.get_attribute("data-id")
    page.get_by_role("button", name="Older →").click()
    expect(page.locator("[data-page]")).to_have_text("Page 2")
    expect(rows.first).not_to_have_attribute("data-id", first_id)
    page.get_by_role("button", name="← Newest page").click()
    expect(rows.first).to_have_attribute("data-id", first_id)


def test_admin_creates_user_and_sees_field_errors(make_context, live_server):
    live_server.add_user("desk_admin", "admin", PASSWORD)
    context = make_context(lang="en")
    sign_in_api(context, "desk_admin")
    page = context.new_page()
    page.goto("/admin?lang=en")
    form = page.locator("[data-create]")
    form.locator('[name="username"]').fill("new_guard")
    form.locator('[name="display_name"]').fill("钱七")
    form.locator('[name="role"]').select_option("guard")
    form.locator('[name="password"]').fill("long-enough-pw-1")
    form.locator('[name="password_confirm"]').fill("long-enough-pw-2")
    expect(form.locator('[data-error-for="password_confirm"]')).to_have_text("The passwords do not match")
    form.locator('[name="password_confirm"]').fill("long-enough-pw-1")
    form.get_by_role("button", name="Create").click()
    expect(page.locator("[data-flash]")).to_have_text("Created user new_guard")
    expect(page.locator('[data-users] tr[data-user="new_guard"]')).to_contain_text("钱七")

    # The same username again: the API's field error is shown inline under the field.
    form.locator('[name="username"]').fill("new_guard")
    form.locator('[name="display_name"]').fill("again")
    form.locator('[name="password"]').fill("long-enough-pw-1")
    form.locator('[name="password_confirm"]').fill("long-enough-pw-1")
    form.get_by_role("button", name="Create").click()
    expect(form.locator('[data-error-for="username"]')).to_be_visible()

    row = page.locator('[data-users] tr[data-user="new_guard"]')
    row.get_by_role("button", name="Disable").click()
    expect(row).to_have_attribute("data-disabled", "true")
    row.get_by_role("button", name="Enable").click()
    expect(row).to_have_attribute("data-disabled", "false")
