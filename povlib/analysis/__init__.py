"""The reconciled panel and what is derived from it: the choice among printed figures, implied
values, changes and ratios, queries, targets scored and forecasts tested."""
