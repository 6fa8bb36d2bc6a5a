// Where the tests' Python programs are: each is run with the project's venv by
// runPythonScript (harness/python.ts), takes its inputs as arguments or JSON on stdin and prints
// JSON.

/** The Python program `name` in tests/py/ (a `file:` URL for runPythonScript). */
export function pyScript(name: string): URL {
  return new URL(`./${name}`, import.meta.url);
}
