"""Where Splink runs: DuckDB in this process (the default), or Spark.

Both engines run the same model: the comparisons of :mod:`model` written in each
engine's SQL, with the same parameters. A trained model is stored in DuckDB's SQL
(:func:`in_dialect` rewrites it for the other engine and back), so a run on either
engine can reuse the model of a run on the other.

Spark runs in local mode by default (``local[N]``, this machine's cores); a master URL
(``spark://host:7077``, ``yarn``, ``k8s://...``) sends the work to a cluster. See
``docs/linkage.md``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
import pyarrow as pa

from ulinzi.analysis.linkage import model

log = logging.getLogger(__name__)

ENGINES = ("duckdb", "spark")
# Spark's heap in local mode, where it holds the reports and the pairs Splink persists
# (Spark's default is 1 GB).
LOCAL_DRIVER_MEMORY = "3g"


class EngineUnavailable(Exception):
    """The engine asked for cannot start here (e.g. pyspark or Java missing)."""


@dataclass(frozen=True)
class Backend:
    """One engine: its name (also its SQL dialect) and, for Spark, the master URL."""

    name: str = "duckdb"
    master: str = ""

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"unknown linkage engine {self.name!r}: choose one of {ENGINES}")

    def api(self) -> Any:
        """A Splink database API for this engine."""
        if self.name == "spark":
            from splink import SparkAPI

            session = spark_session(self.master)
            return SparkAPI(spark_session=session, break_lineage_method="persist")
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect()
        con.execute(f"SET threads = {threads()}")
        return DuckDBAPI(con)

    def register(self, db_api: Any, frame: pd.DataFrame, name: str) -> Any:
        """``frame`` as a Splink table of ``db_api``."""
        from ulinzi.analysis.linkage.standardise import arrow_schema

        arrow = pa.Table.from_pandas(frame, schema=arrow_schema(), preserve_index=False)
        if self.name == "spark":
            # One Spark session serves every run of the process: each run's tables
            # get names of their own (and :meth:`close` drops them).
            # Arrow straight to Spark (no row-by-row conversion through pandas), then
            # materialised once: left as local data, every query would carry (and
            # Spark's optimiser copy) all the reports in its plan.
            data = db_api.spark.createDataFrame(arrow).localCheckpoint(eager=True)
            return db_api.register(
                data, dataset_display_name=name, table_name=f"{name}_{uuid.uuid4().hex[:12]}"
            )
        return db_api.register(arrow, dataset_display_name=name)

    def close(self, db_api: Any) -> None:
        """Drop what a run left in the engine (Spark's session outlives the run)."""
        if self.name == "spark":
            db_api.delete_tables_created_by_splink_from_db()
            for name in db_api._registered_table_names:
                db_api.spark.catalog.dropTempView(name)

    def query(self, db_api: Any, sql: str) -> pd.DataFrame:
        """The result of ``sql`` (our own SQL over Splink's tables) as a pandas frame."""
        if self.name == "spark":
            frame: pd.DataFrame = db_api.spark.sql(sql).toArrow().to_pandas()
            return frame
        result: pd.DataFrame = db_api.duckdb_con.sql(sql).df()
        return result


DUCKDB = Backend()


def threads() -> int:
    """Threads (DuckDB) or local cores (Spark): ``ULINZI_LINK_THREADS``, else every CPU."""
    from django.conf import settings

    return int(settings.ULINZI_LINK_THREADS) or (os.cpu_count() or 1)


def configured() -> Backend:
    """The engine the deployment chose (``ULINZI_LINK_ENGINE``, ``ULINZI_SPARK_MASTER``)."""
    from django.conf import settings

    return Backend(settings.ULINZI_LINK_ENGINE, settings.ULINZI_SPARK_MASTER)


@lru_cache(maxsize=2)
def spark_session(master: str = "") -> Any:
    """A Spark session with Splink's similarity functions, bound to loopback in local mode.

    One session per process (Spark allows one active context); starting it takes
    tens of seconds, so it is kept."""
    try:
        from pyspark.sql import SparkSession
        from splink.internals.spark.jar_location import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - pyspark is a pinned dependency
        raise EngineUnavailable(f"the Spark engine needs pyspark: {exc}") from exc
    local = not master or master.startswith("local")
    url = master or f"local[{threads()}]"
    if local:
        # A local driver talks to its executors on loopback only (whatever the
        # environment says: nothing of a local run listens on another address).
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    builder = (
        SparkSession.builder.master(url)
        .appName("ulinzi-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if local:
        # On a cluster, its own configuration (spark-defaults.conf) says these.
        builder = (
            builder.config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            # The driver is the executor too: Splink's persisted pairs live in its heap.
            .config("spark.driver.memory", LOCAL_DRIVER_MEMORY)
            .config("spark.sql.shuffle.partitions", str(max(2, threads() * 2)))
        )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing or the master unreachable: say which.
        raise EngineUnavailable(f"Spark did not start at {url}: {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="ulinzi-spark-"))
    return session


def in_dialect(model_json: dict[str, Any], dialect: str) -> dict[str, Any]:
    """``model_json`` with its comparisons written in ``dialect``'s SQL.

    The comparisons are rebuilt from :func:`model.comparisons` and each level takes the
    m and u of the same level (by comparison name and position) in ``model_json``; the
    rest of the model (prior, options) is kept."""
    built = model.settings(dialect).get_settings(dialect).as_dict()
    given = {c["output_column_name"]: c for c in model_json.get("comparisons", [])}
    comparisons = []
    for comparison in built["comparisons"]:
        source = given.get(comparison["output_column_name"])
        if source is not None:
            if len(source["comparison_levels"]) != len(comparison["comparison_levels"]):
                raise ValueError(
                    f"the model's {comparison['output_column_name']!r} comparison has "
                    "other levels than this version's: train a new model"
                )
            for level, old in zip(
                comparison["comparison_levels"], source["comparison_levels"], strict=True
            ):
                for key in ("m_probability", "u_probability", "tf_minimum_u_value"):
                    if key in old:
                        level[key] = old[key]
        comparisons.append(comparison)
    out = dict(model_json)
    out["comparisons"] = comparisons
    out["sql_dialect"] = dialect
    return out
