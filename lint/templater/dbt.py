"""Stand-ins for dbt's cross-database macros (dbt.datediff, ...) so sqlfluff can render models without dbt."""


def datediff(first, second, datepart):
    return f"date_diff('{datepart}', {first}, {second})"


def dateadd(datepart, interval, from_date):
    return f"({from_date} + interval ({interval}) {datepart})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def hash(field):  # shadows the builtin on purpose: the SQL calls dbt.hash
    return f"md5(cast({field} as varchar))"


def concat(fields):
    return f"concat({', '.join(fields)})"


def type_string():
    return "varchar"


def date_spine(datepart, start_date, end_date):
    return f"select unnest(generate_series({start_date}, {end_date}, interval 1 {datepart})) as date_{datepart}"
