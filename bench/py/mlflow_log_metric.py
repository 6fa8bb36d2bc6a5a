"""Logs n single points of metric "m" into one run of a file store with mlflow.log_metric and
prints the milliseconds it took.

usage: python mlflow_log_metric.py <store-path> <n>
"""
import sys
import time

import mlflow

mlflow.set_tracking_uri("file://" + sys.argv[1])
n = int(sys.argv[2])
with mlflow.start_run():
    t0 = time.perf_counter()
    for i in range(n):
        mlflow.log_metric("m", i * 0.5, step=i)
    print((time.perf_counter() - t0) * 1000)
