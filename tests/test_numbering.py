from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from core.numbering import format_number, next_number


@pytest.mark.django_db
def test_numbers_run_per_series_and_year():
    with transaction.atomic():
        assert [next_number("投诉", 2026) for _ in range(3)] == [1, 2, 3]
        assert next_number("投诉", 2027) == 1
        assert next_number("违章", 2026) == 1
    assert format_number("投诉", 2026, 123) == "投诉-2026-000123"


@pytest.mark.django_db
def test_a_rolled_back_intake_leaves_no_gap():
    with transaction.atomic():
        next_number("投诉", 2026)
    with pytest.raises(ValueError), transaction.atomic():
        next_number("投诉", 2026)
        raise ValueError("intake failed after numbering")
    with transaction.atomic():
        assert next_number("投诉", 2026) == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_intakes_get_twenty_distinct_consecutive_numbers():
    def take():
        try:
            with transaction.atomic():
                return next_number("整改通知书", 2026)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = list(pool.map(lambda _: take(), range(20)))
    assert sorted(numbers) == list(range(1, 21))


def test_refuses_to_number_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        next_number("投诉", 2026)
