// `tierd hash-key`: the SHA-256 that goes into auth.keys[].sha256. The key is
// read from standard input, never from the command line (argv shows up in
// `ps` and shell history); --new makes a fresh key and prints it once.
import { parseArgs } from "node:util";
import { hashApiKey, newApiKey } from "../callers/index.js";

export const HASH_KEY_USAGE = `usage: tierd hash-key [--new]

  Reads an API key on standard input and prints its SHA-256 for auth.keys[].sha256:
    printf %s "$KEY" | tierd hash-key
  --new  makes a fresh random key and prints it with its SHA-256 (store the key
         in your secret manager: tierd keeps only the digest)
`;

export interface HashKeyIo {
  stdin: () => Promise<string>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function hashKeyCommand(args: string[], io: HashKeyIo = processIo()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { new: { type: "boolean" }, help: { type: "boolean" } }, strict: true }));
  } catch (err) {
    io.stderr(`tierd hash-key: ${err instanceof Error ? err.message : String(err)}\n${HASH_KEY_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HASH_KEY_USAGE);
    return 0;
  }
  if (values.new) {
    const key = newApiKey();
    io.stdout(`key:    ${key}\nsha256: ${hashApiKey(key)}\n`);
    return 0;
  }
  // One trailing newline is how `echo` and most editors end a line, not part of the key.
  const key = (await io.stdin()).replace(/\r?\n$/, "");
  if (key === "" || /\s/.test(key)) {
    io.stderr("tierd hash-key: expected one API key (no spaces) on standard input\n");
    return 2;
  }
  io.stdout(`${hashApiKey(key)}\n`);
  return 0;
}

function processIo(): HashKeyIo {
  return {
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}
