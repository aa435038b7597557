"""The usual analyst's load: pandas read_csv + DataFrame.to_sql with default options.

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
engine = sqlalchemy.create_engine(url)
start = time.perf_counter()
frame = pd.read_csv(csv_path)
frame.to_sql(table, engine, if_exists="replace", index=False)
seconds = time.perf_counter() - start
print(json.dumps({
    "rows": len(frame),
    "seconds": seconds,
    "versions": f"pandas {pd.__version__}, SQLAlchemy {sqlalchemy.__version__}, psycopg2 {psycopg2.__version__.split()[0]}",
}))
