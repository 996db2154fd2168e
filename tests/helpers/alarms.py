"""CloudWatch alarms replayed on made-up traffic: does this alarm fire on these periods?

Only what template.yaml's alarms use: one metric with a statistic, or metric math of `IF`,
comparisons and arithmetic over the metrics' ids. Each period gives a value per metric name
(for a percentile metric, the percentile itself).
"""

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Period = Mapping[str, float]
_ARITHMETIC: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: lambda left, right: left / right if right else 0.0,
}
_COMPARISONS: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.GtE: operator.ge,
    ast.Gt: operator.gt,
    ast.LtE: operator.le,
    ast.Lt: operator.lt,
}


def fires(alarm: Mapping[str, Any], periods: Sequence[Period]) -> bool:
    """Whether the alarm goes to ALARM once these periods (oldest first) have been seen."""
    window = list(periods)[-int(alarm["EvaluationPeriods"]) :]
    needed = int(alarm.get("DatapointsToAlarm", alarm["EvaluationPeriods"]))
    breaching = [value_of(alarm, period) > float(alarm["Threshold"]) for period in window]
    return sum(breaching) >= needed


def value_of(alarm: Mapping[str, Any], period: Period) -> float:
    if "MetricName" in alarm:
        return float(period[alarm["MetricName"]])
    by_id = {
        query["Id"]: float(period[query["MetricStat"]["Metric"]["MetricName"]])
        for query in alarm["Metrics"]
        if "MetricStat" in query
    }
    (returned,) = [query for query in alarm["Metrics"] if query.get("ReturnData")]
    return _evaluate(ast.parse(returned["Expression"], mode="eval").body, by_id)


def _evaluate(node: ast.expr, names: Mapping[str, float]) -> float:
    match node:
        case ast.Constant(value=int() | float() as number):
            return float(number)
        case ast.Name(id=name):
            return names[name]
        case ast.BinOp(left=left, op=op, right=right):
            return _ARITHMETIC[type(op)](_evaluate(left, names), _evaluate(right, names))
        case ast.Compare(left=left, ops=[op], comparators=[right]):
            compare = _COMPARISONS[type(op)]
            return float(compare(_evaluate(left, names), _evaluate(right, names)))
        case ast.Call(func=ast.Name(id="IF"), args=[condition, then, otherwise]):
            chosen = then if _evaluate(condition, names) else otherwise
            return _evaluate(chosen, names)
    raise ValueError(f"not an expression these alarms use: {ast.dump(node)}")
