"""MLflow's python_function flavour for the pipelines this TypeScript library logs (its flavour
``deno_ml_pipeline``): predictions from the saved ``model.json`` with NumPy alone.

``mlflow.pyfunc.load_model(uri)`` imports this module from the model's ``code/`` folder and calls
``_load_pyfunc(<model folder>/model.json)``. The pipeline is a standard scaler followed by either

- npm ``ml-knn``'s k-nearest neighbours: the saved k-d tree is searched as ml-knn 3.0.0 searches
  it (its Euclidean distance summed feature by feature, its binary heap, its visiting order), so
  when several training rows lie at the same distance the same ones are chosen; or
- npm ``ml-random-forest``'s trees (``ml-cart`` nodes: ``x < splitValue`` goes left, a leaf votes
  for the first class of largest probability).

The arithmetic is the library's, operation for operation, so ``predict`` and ``predict_proba``
return exactly what the library's ``predict`` and ``predictProba`` return: class labels, and per
class the share of the k neighbours (or of the trees) voting for it. Rows must hold finite
numbers, as in the library.
"""

import json
import math

import numpy as np

__all__ = ["DenoPipeline"]

# Distances are computed for this many query rows at a time (rows x training rows doubles).
_CHUNK = 256


def _load_pyfunc(path):
    """Loads the pipeline saved at ``path`` (MLflow's ``data`` entry: ``model.json``)."""
    with open(path, encoding="utf-8") as f:
        return DenoPipeline(json.load(f))


def feature_names(n_features):
    """The column names of the model's signature: ``x0`` … ``x{n-1}``, as scikit-learn names
    the features of an array."""
    return [f"x{j}" for j in range(n_features)]


class DenoPipeline:
    """A fitted scaler + classifier pipeline restored from the library's saved JSON."""

    def __init__(self, spec):
        if not isinstance(spec, dict) or spec.get("format") != "deno-ml-pipeline":
            raise ValueError("Cannot load pipeline: model.json is not a saved deno-ml pipeline")
        if spec.get("version") != 1:
            raise ValueError(f"Cannot load pipeline: version must be 1, got {spec.get('version')!r}")
        self.kind = spec["kind"]
        self.classes = np.asarray(spec["classes"], dtype=np.int64)
        self.n_features = int(spec["nFeatures"])
        self.feature_names = feature_names(self.n_features)
        scaler = spec["scaler"]
        self._mean = np.asarray(scaler["mean"], dtype=np.float64)
        self._scale = np.asarray(scaler["scale"], dtype=np.float64)
        if self.kind == "k_neighbors":
            self._step = _KNeighbors(spec["model"])
        elif self.kind == "random_forest":
            self._step = _Forest(spec["model"])
        else:
            raise ValueError(f"Cannot load pipeline: unknown kind {self.kind!r}")

    def get_raw_model(self):
        """This pipeline (``PyFuncModel.get_raw_model()`` returns it, for ``predict_proba``)."""
        return self

    def _matrix(self, model_input):
        what = f"predict with {self.kind} pipeline"
        columns = getattr(model_input, "columns", None)
        if columns is not None:
            names = list(columns)
            if all(name in names for name in self.feature_names):
                model_input = model_input[self.feature_names]
            X = model_input.to_numpy(dtype=np.float64)
        else:
            X = np.asarray(model_input, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"Cannot {what}: X must be a matrix of rows, got {X.ndim} dimensions")
        if X.shape[0] == 0:
            raise ValueError(f"Cannot {what}: X must have at least one row, current value is []")
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"Cannot {what}: rows must have {self.n_features} values (the number of features"
                f" seen in training), current value has {X.shape[1]}"
            )
        bad = np.argwhere(~np.isfinite(X))
        if len(bad):
            i, j = bad[0]
            raise ValueError(
                f"Cannot {what}: X[{i}][{j}] must be finite, current value is {X[i, j]}"
            )
        return X

    def predict_proba(self, model_input):
        """Per-row probabilities of ``classes``: the share of neighbours or trees voting for each."""
        X = self._matrix(model_input)
        Z = (X - self._mean) / self._scale
        return self._step.probabilities(Z, len(self.classes))

    def predict(self, model_input, params=None):
        """The class of each row: the most probable one, the smallest class on a tie."""
        return self.classes[np.argmax(self.predict_proba(model_input), axis=1)]


class _KNeighbors:
    """ml-knn 3.0.0's KNN: a k-d tree over the training rows (the label last in each point)."""

    def __init__(self, model):
        if not isinstance(model, dict) or model.get("name") != "KNN":
            raise ValueError("Cannot load k-neighbours pipeline: model must be ml-knn's JSON")
        if not model.get("isEuclidean", False):
            raise ValueError("Cannot load k-neighbours pipeline: only Euclidean models load")
        self.k = int(model["k"])
        points, dims, lefts, rights = [], [], [], []
        # Flatten the tree, parents before children; node 0 is the root.
        root = model["kdTree"]
        stack = [(root, -1, None)]
        while stack:
            node, parent, side = stack.pop()
            index = len(points)
            points.append(node["obj"])
            dims.append(int(node["dimension"]))
            lefts.append(-1)
            rights.append(-1)
            if side == "left":
                lefts[parent] = index
            elif side == "right":
                rights[parent] = index
            for child in ("right", "left"):
                if node.get(child) is not None:
                    stack.append((node[child], index, child))
        obj = np.asarray(points, dtype=np.float64)
        self._points = obj[:, :-1]
        self._labels = obj[:, -1].astype(np.int64)
        self._dims = dims
        self._lefts = lefts
        self._rights = rights
        self._obj = obj.tolist()

    def _distances(self, Z):
        # ml-distance-euclidean: d += (p[i] - q[i]) * (p[i] - q[i]) over the query's features in
        # order, then the square root; one column at a time gives the same sums.
        d2 = np.zeros((Z.shape[0], self._points.shape[0]))
        for j in range(Z.shape[1]):
            diff = Z[:, j : j + 1] - self._points[:, j]
            d2 += diff * diff
        return np.sqrt(d2)

    def probabilities(self, Z, n_classes):
        k = self.k
        out = np.empty((Z.shape[0], n_classes))
        onehot = np.zeros((len(self._labels), n_classes))
        onehot[np.arange(len(self._labels)), self._labels] = 1.0
        for start in range(0, Z.shape[0], _CHUNK):
            rows = Z[start : start + _CHUNK]
            D = self._distances(rows)
            kth = np.partition(D, k - 1, axis=1)[:, k - 1]
            chosen = D <= kth[:, None]
            # The search is exhaustive, so it keeps the k smallest distances: when no other row
            # ties with the k-th, those rows are the neighbours. Otherwise which of the tied
            # rows are kept depends on the search's order, which is replayed.
            votes = chosen.astype(np.float64) @ onehot
            for r in np.nonzero(chosen.sum(axis=1) != k)[0]:
                votes[r] = 0.0
                for node in self._nearest(rows[r].tolist(), D[r].tolist()):
                    votes[r, self._labels[node]] += 1.0
            out[start : start + len(rows)] = votes / k
        return out

    def _nearest(self, point, distance):
        """The nodes ml-knn's ``kdTree.nearest(point, k)`` returns, by replaying its search."""
        k = self.k
        obj, dims, lefts, rights = self._obj, self._dims, self._lefts, self._rights
        n_point = len(point)
        heap = []  # [node, distance]; the root holds the largest distance (score -distance)

        def score(entry):
            return -entry[1]

        def bubble_up(n):
            element = heap[n]
            while n > 0:
                parent_n = (n + 1) // 2 - 1
                parent = heap[parent_n]
                if score(element) < score(parent):
                    heap[parent_n] = element
                    heap[n] = parent
                    n = parent_n
                else:
                    break

        def sink_down(n):
            length = len(heap)
            element = heap[n]
            elem_score = score(element)
            while True:
                child2_n = (n + 1) * 2
                child1_n = child2_n - 1
                swap = None
                child1_score = None
                if child1_n < length:
                    child1_score = score(heap[child1_n])
                    if child1_score < elem_score:
                        swap = child1_n
                if child2_n < length:
                    child2_score = score(heap[child2_n])
                    if child2_score < (elem_score if swap is None else child1_score):
                        swap = child2_n
                if swap is not None:
                    heap[n] = heap[swap]
                    heap[swap] = element
                    n = swap
                else:
                    break

        def save(node, d):
            heap.append([node, d])
            bubble_up(len(heap) - 1)
            if len(heap) > k:
                end = heap.pop()
                if heap:
                    heap[0] = end
                    sink_down(0)

        def search(node):
            dimension = dims[node]
            own = distance[node]
            left, right = lefts[node], rights[node]
            if left < 0 and right < 0:
                if len(heap) < k or own < heap[0][1]:
                    save(node, own)
                return
            if right < 0:
                best = left
            elif left < 0:
                best = right
            else:
                # The label's dimension is beyond the query point: undefined < x is false.
                below = dimension < n_point and point[dimension] < obj[node][dimension]
                best = left if below else right
            search(best)
            if len(heap) < k or own < heap[0][1]:
                save(node, own)
            # ml-knn measures the distance to the splitting plane on an object the metric
            # reads as empty, so it is always 0.
            if len(heap) < k or 0.0 < heap[0][1]:
                other = right if best == left else left
                if other >= 0:
                    search(other)

        search(0)
        return [entry[0] for entry in heap[:k]]


class _Forest:
    """ml-random-forest 2.1.0's classifier: ml-cart trees over bagged feature subsets."""

    def __init__(self, model):
        if not isinstance(model, dict) or model.get("name") != "RFClassifier":
            raise ValueError(
                "Cannot load random forest pipeline: model must be ml-random-forest's JSON"
            )
        base = model["baseModel"]
        estimators, indexes = base["estimators"], base["indexes"]
        feature, threshold, left, right, leaf = [], [], [], [], []
        roots = []
        for tree, features in zip(estimators, indexes):
            roots.append(len(feature))
            stack = [(tree["root"], -1, None)]
            while stack:
                node, parent, side = stack.pop()
                index = len(feature)
                feature.append(-1)
                threshold.append(0.0)
                left.append(-1)
                right.append(-1)
                leaf.append(-1)
                if side == "left":
                    left[parent] = index
                elif side == "right":
                    right[parent] = index
                if node.get("distribution") is not None:
                    leaf[index] = _argmax_first(node["distribution"][0])
                    continue
                feature[index] = int(features[int(node["splitColumn"])])
                value = node.get("splitValue", math.nan)
                # A split value written as null is compared as 0 (JavaScript's x < null).
                threshold[index] = 0.0 if value is None else float(value)
                stack.append((node["right"], index, "right"))
                stack.append((node["left"], index, "left"))
        self._feature = np.asarray(feature, dtype=np.int64)
        self._threshold = np.asarray(threshold, dtype=np.float64)
        self._left = np.asarray(left, dtype=np.int64)
        self._right = np.asarray(right, dtype=np.int64)
        self._leaf = np.asarray(leaf, dtype=np.int64)
        self._roots = np.asarray(roots, dtype=np.int64)

    def probabilities(self, Z, n_classes):
        rows = Z.shape[0]
        trees = len(self._roots)
        node = np.broadcast_to(self._roots, (rows, trees)).copy()
        while True:
            feature = self._feature[node]
            inner = feature >= 0
            if not inner.any():
                break
            x = np.take_along_axis(Z, np.maximum(feature, 0), axis=1)
            step = np.where(x < self._threshold[node], self._left[node], self._right[node])
            node = np.where(inner, step, node)
        cells = (np.arange(rows)[:, None] * n_classes + self._leaf[node]).ravel()
        votes = np.bincount(cells, minlength=rows * n_classes).reshape(rows, n_classes)
        return votes.astype(np.float64) / trees


def _argmax_first(values):
    best, index = values[0], 0
    for i in range(1, len(values)):
        if values[i] > best:
            best, index = values[i], i
    return index
