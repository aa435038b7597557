"""The usual analyst's load: pandas read_csv + DataFrame.to_sql with default options.

With "keyed" as the fourth argument the table is made first with the key and series index the service
keeps, and to_sql appends to it: the same storage work, for context.
Prints one JSON line: rows, seconds (read_csv + to_sql, interpreter start and imports excluded) and versions.
Exit code 3 with a message when pandas, SQLAlchemy or psycopg2 is not installed.
"""
import json
import sys
import time

try:
    import pandas as pd
    import psycopg2  # noqa: F401  (the driver SQLAlchemy uses below)
    import sqlalchemy
except ImportError as missing:
    print(f"missing: {missing}", file=sys.stderr)
    sys.exit(3)

csv_path, url, table = sys.argv[1], sys.argv[2], sys.argv[3]
keyed = len(sys.argv) > 4 and sys.argv[4] == "keyed"
engine = sqlalchemy.create_engine(url)
if keyed:
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(
            f'CREATE TABLE {table} ("指标名称" text, "地区" bigint, "期别" text, "数值" double precision, "单位" text, "数据状态" text,'
            f' PRIMARY KEY ("指标名称", "地区", "期别"))'))
        connection.execute(sqlalchemy.text(f'CREATE INDEX ON {table} ("指标名称", "地区", "期别") INCLUDE ("数值")'))
start = time.perf_counter()
frame = pd.read_csv(csv_path)
frame.to_sql(table, engine, if_exists="append" if keyed else "replace", index=False)
seconds = time.perf_counter() - start
print(json.dumps({
    "rows": len(frame),
    "seconds": seconds,
    "versions": f"pandas {pd.__version__}, SQLAlchemy {sqlalchemy.__version__}, psycopg2 {psycopg2.__version__.split()[0]}",
}))
