"""Run work in several threads released at the same moment, as concurrent requests would be.

For PostgreSQL tests marked `django_db(transaction=True)`: each thread has its own connection,
closed when it is done so the test database can be dropped."""

import threading

from django.db import connection


def race(workers, *, refusals: tuple[type[BaseException], ...] = ()) -> list[tuple[str, object]]:
    """("ok", result) or ("refused", the error) for each callable, in the order they finished."""
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def run(work):
        try:
            barrier.wait()
            outcomes.append(("ok", work()))
        except refusals as refused:
            outcomes.append(("refused", refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
