"""The console logger for supaseed runs: Dagster's colored console, but a dg.Failure prints as one line.

A dg.Failure is a user error with its own one-line message (config, schema, constraint): the framework's
stack trace under it says nothing to the user. Any other exception keeps its full trace.
"""

import logging

import dagster as dg
from dagster._utils.log import create_console_logger


def per_table_lines(rows: dict[str, int]) -> list[str]:
    """One aligned line per table ("  public.setups        6,000"), sorted: the run summaries' body."""
    width = max((len(t) for t in rows), default=10)
    return [f"  {table:<{width}}  {count:>10,}" for table, count in sorted(rows.items())]


def user_failure_line(event) -> str | None:
    """The one-line message of a step or run failure caused by a dg.Failure (its user_failure_data), else None."""
    data = event.event_specific_data if event is not None else None
    first_step = getattr(data, "first_step_failure_event", None)   # a run failure: the step failure that caused it
    if first_step is not None:
        data = first_step.event_specific_data
    user = getattr(data, "user_failure_data", None)
    if user is not None and user.description:
        return user.description.strip().splitlines()[0]
    return None


class OneLineUserFailures(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        line = user_failure_line(event) if event is not None and (event.is_step_failure or event.is_run_failure) else None
        if line:
            # Dagster appends the error after a blank line (log_manager._error_str_for_event)
            record.msg = f"{str(record.msg).split(chr(10) * 2, 1)[0]} {line}"
            record.args = ()
        return True


@dg.logger(
    {"log_level": dg.Field(str, is_required=False, default_value="INFO", description="The logger's threshold."),
     "name": dg.Field(str, is_required=False, default_value="dagster", description="The logger's name.")},
    description="Colored console logs at INFO; user errors (dg.Failure) in one line, without a stack trace.",
)
def supaseed_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = create_console_logger(name=init_context.logger_config["name"],
                                   level=logging.getLevelName(init_context.logger_config["log_level"].upper()))
    for handler in logger.handlers:
        if not any(isinstance(f, OneLineUserFailures) for f in handler.filters):
            handler.addFilter(OneLineUserFailures())
    return logger
