// `${VAR}` interpolation over the parsed YAML tree (not the raw text), so an
// environment value can never inject YAML structure and every problem is
// reported with the field path it occurred at.

export interface InterpolationProblem {
  path: string;
  message: string;
}

const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of the tree; `$${`
 * stands for a literal `${`. A value that is exactly one placeholder takes
 * the scalar type of what it expands to (`port: ${PORT}` yields a number).
 */
export function interpolateEnv(
  tree: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: InterpolationProblem[],
  path = "",
): unknown {
  if (typeof tree === "string") return interpolateString(tree, env, problems, path);
  if (Array.isArray(tree)) {
    return tree.map((item, i) => interpolateEnv(item, env, problems, `${path}[${i}]`));
  }
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(tree)) {
      out[key] = interpolateEnv(value, env, problems, path === "" ? key : `${path}.${key}`);
    }
    return out;
  }
  return tree;
}

function interpolateString(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: InterpolationProblem[],
  path: string,
): unknown {
  if (!value.includes("${")) return value;
  let whole = false;
  const result = value.replace(PLACEHOLDER, (match, name: string | undefined, fallback: string | undefined, offset: number) => {
    if (match === "$${") return "${";
    whole = offset === 0 && match.length === value.length;
    const found = env[name as string];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    problems.push({ path, message: `environment variable ${name} is not set` });
    return "";
  });
  if (whole) return scalarOf(result);
  return result;
}

function scalarOf(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true") return true;
  if (text === "false") return false;
  return text;
}
