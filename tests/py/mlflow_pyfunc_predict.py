"""Prints, as JSON, what MLflow's python_function flavour makes of logged models: for each model
URI, MLflow's reading of its python_function flavour and signature, its predictions and class
probabilities on the given rows (``mlflow.pyfunc.load_model(uri).predict`` on a DataFrame with the
signature's columns, ``get_raw_model().predict_proba``), and the predictions of its saved serving
input example (``mlflow.models.validate_serving_input``); and the environment MLflow would record
for a model here (Python, pip, setuptools, NumPy, pandas, MLflow versions).

usage: python mlflow_pyfunc_predict.py <store-path>  (stdin: {"uris": [...], "rows": [[...]]})
"""
import json
import sys

import mlflow
import numpy
import pandas
from mlflow.models import Model, validate_serving_input
from mlflow.models.utils import load_serving_example
from mlflow.utils.environment import _PythonEnv

mlflow.set_tracking_uri("file://" + sys.argv[1])
request = json.load(sys.stdin)
out = []
for uri in request["uris"]:
    meta = Model.load(uri)
    model = mlflow.pyfunc.load_model(uri)
    names = meta.signature.inputs.input_names()
    X = pandas.DataFrame(request["rows"], columns=names)
    example = load_serving_example(uri) if meta.saved_input_example_info else None
    out.append({
        "pyfunc": meta.flavors["python_function"],
        "inputs": [[c.name, c.type.name, c.required] for c in meta.signature.inputs.inputs],
        "outputs": meta.signature.outputs.to_dict(),
        "predict": model.predict(X).tolist(),
        "proba": model.get_raw_model().predict_proba(X).tolist(),
        "example": None if example is None else validate_serving_input(uri, example).tolist(),
    })
env = _PythonEnv.current()
print(json.dumps({
    "models": out,
    "env": {
        "python": env.python, "build": env.build_dependencies, "numpy": numpy.__version__,
        "pandas": pandas.__version__, "mlflow": mlflow.__version__,
    },
}))
