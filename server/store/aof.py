"""Rewriting Redis' append-only file after an erasure, so the erased values leave the disk."""
import redis


def rewrite_log(client, pause, timeout=120.0):
    """Rewrite Redis' append-only file and wait until the new one replaced the old; True if done.

    After an erasure the old file still holds the erased values as they were written; the
    rewritten one holds only what is there now. A rewrite already running may have started
    before the erasure, so it is waited for and another one started. `pause(seconds)` waits
    in the caller's async mode. False when Redis keeps no AOF or refuses the command.
    """
    waited = 0.0
    try:
        if not client.info("persistence").get("aof_enabled"):
            return False
        while True:
            if not _rewriting(client):
                try:
                    client.bgrewriteaof()
                    break
                except redis.ResponseError as exc:
                    if "in progress" not in str(exc):
                        raise
            if waited > timeout:
                return False
            pause(0.05)
            waited += 0.05
        while _rewriting(client) and waited < timeout:
            pause(0.05)
            waited += 0.05
        info = client.info("persistence")
    except redis.ResponseError:
        return False  # a managed Redis may forbid the command: its operator rewrites it
    return not _rewriting(client, info) and info.get("aof_last_bgrewrite_status") == "ok"


def _rewriting(client, info=None):
    """Tell whether an AOF rewrite runs or is scheduled."""
    info = info or client.info("persistence")
    return bool(info.get("aof_rewrite_in_progress") or info.get("aof_rewrite_scheduled"))
