// A small C# expression parser: tokens → generic syntax tree. It covers the subset our renderer emits
// (literals, member/null-conditional access, element access `[i]`/`?[i]`, calls with generic and
// named arguments, `new` (of a generic type too) with an index initializer, `out var`, a one-parameter lambda argument
// (`x => …`), unary, binary, `??`, `?:`, parentheses). Anything else throws SyntaxError; the caller turns that into a RawExpression.

export type Syn =
  | { t: "string"; value: string; text: string }
  | { t: "number"; value: number }
  | { t: "bool"; value: boolean }
  | { t: "null" }
  | { t: "name"; name: string }
  | { t: "member"; target: Syn; name: string; nullConditional: boolean }
  | { t: "call"; target: Syn; typeArgs: string[] | null; args: Syn[] }
  | { t: "new"; type: string; args: Syn[]; init?: Array<{ key: Syn; value: Syn }> }
  | { t: "index"; target: Syn; index: Syn; nullConditional: boolean }
  /** A named argument `name: value` (only inside a call's argument list). */
  | { t: "named"; name: string; value: Syn }
  | { t: "outVar"; name: string }
  /** A one-parameter lambda `name => body` (only as a call argument). */
  | { t: "lambda"; param: string; body: Syn }
  | { t: "unary"; op: "!" | "-"; operand: Syn }
  | { t: "binary"; op: string; left: Syn; right: Syn }
  | { t: "conditional"; test: Syn; whenTrue: Syn; whenFalse: Syn }
  | { t: "paren"; inner: Syn };

export class CSharpSyntaxError extends Error {}

type Token = { k: "str"; value: string; text: string } | { k: "num"; value: number } | { k: "id"; value: string } | { k: "op"; value: string };

const OPERATORS = ["??", "?.", "?[", "&&", "||", "=>", "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ".", ",", "<", ">", "!", "?", ":", "=", "+", "-", "%", "*", "/"];
const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", "0": "\0", n: "\n", r: "\r", t: "\t" };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) { i += 1; continue; }
    if (ch === '"') {
      const start = i;
      let value = "";
      i += 1;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === "\n") throw new CSharpSyntaxError("newline in string literal");
        if (src[i] === "\\") {
          const esc = src[i + 1] ?? "";
          if (esc === "u") {
            const hex = src.slice(i + 2, i + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw new CSharpSyntaxError(`bad \\u escape at ${i}`);
            value += String.fromCharCode(parseInt(hex, 16));
            i += 6;
          } else if (esc in SIMPLE_ESCAPES) {
            value += SIMPLE_ESCAPES[esc];
            i += 2;
          } else throw new CSharpSyntaxError(`unsupported escape \\${esc}`);
        } else {
          value += src[i];
          i += 1;
        }
      }
      if (i >= src.length) throw new CSharpSyntaxError("unterminated string literal");
      i += 1;
      tokens.push({ k: "str", value, text: src.slice(start, i) });
      continue;
    }
    const num = /^[0-9]+/.exec(src.slice(i));
    if (num) {
      if (/^[A-Za-z_.]/.test(src.slice(i + num[0].length))) throw new CSharpSyntaxError("unsupported numeric literal");
      tokens.push({ k: "num", value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      tokens.push({ k: "id", value: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new CSharpSyntaxError(`unsupported character ${JSON.stringify(ch)} at ${i}`);
    tokens.push({ k: "op", value: op });
    i += op.length;
  }
  return tokens;
}

// Binary precedence, lowest first (C# order); `??` is right-associative.
const LEVELS: string[][] = [["??"], ["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"]];

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Syn {
    const e = this.expression();
    if (this.pos !== this.tokens.length) throw new CSharpSyntaxError(`unexpected token ${JSON.stringify(this.peek()?.value)}`);
    return e;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  private isOp(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.k === "op" && t.value === value;
  }
  private expectOp(value: string): void {
    if (!this.isOp(value)) throw new CSharpSyntaxError(`expected "${value}" but found ${JSON.stringify(this.peek()?.value ?? "end")}`);
    this.pos += 1;
  }
  private ident(): string {
    const t = this.peek();
    if (t?.k !== "id") throw new CSharpSyntaxError(`expected identifier, found ${JSON.stringify(t?.value ?? "end")}`);
    this.pos += 1;
    return t.value;
  }

  private expression(): Syn {
    const test = this.binary(0);
    if (!this.isOp("?")) return test;
    this.pos += 1;
    const whenTrue = this.expression();
    this.expectOp(":");
    const whenFalse = this.expression();
    return { t: "conditional", test, whenTrue, whenFalse };
  }

  private binary(level: number): Syn {
    if (level >= LEVELS.length) return this.unary();
    const ops = LEVELS[level] as string[];
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t?.k !== "op" || !ops.includes(t.value)) return left;
      this.pos += 1;
      if (t.value === "??") return { t: "binary", op: "??", left, right: this.binary(level) };
      left = { t: "binary", op: t.value, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Syn {
    if (this.isOp("!") || this.isOp("-")) {
      const op = (this.peek() as { value: "!" | "-" }).value;
      this.pos += 1;
      return { t: "unary", op, operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private primary(): Syn {
    const t = this.peek();
    if (!t) throw new CSharpSyntaxError("unexpected end of expression");
    this.pos += 1;
    if (t.k === "str") return { t: "string", value: t.value, text: t.text };
    if (t.k === "num") return { t: "number", value: t.value };
    if (t.k === "op" && t.value === "(") {
      const inner = this.expression();
      this.expectOp(")");
      return { t: "paren", inner };
    }
    if (t.k === "id") {
      if (t.value === "true" || t.value === "false") return { t: "bool", value: t.value === "true" };
      if (t.value === "null") return { t: "null" };
      if (t.value === "new") {
        let type = this.ident();
        while (this.isOp(".")) { this.pos += 1; type += `.${this.ident()}`; }
        if (this.isOp("<")) type += this.typeArgList();
        const args = this.args();
        return this.isOp("{") ? { t: "new", type, args, init: this.indexInitializer() } : { t: "new", type, args };
      }
      return { t: "name", name: t.value };
    }
    throw new CSharpSyntaxError(`unexpected token ${JSON.stringify(t.value)}`);
  }

  /** `<T, U>` after the type name of `new` (a generic type), as `<T,U>`. */
  private typeArgList(): string {
    this.expectOp("<");
    const names = [this.ident()];
    while (this.isOp(",")) { this.pos += 1; names.push(this.ident()); }
    this.expectOp(">");
    return `<${names.join(",")}>`;
  }

  /** `{ [key] = value, … }` after `new T(…)`. */
  private indexInitializer(): Array<{ key: Syn; value: Syn }> {
    this.expectOp("{");
    const out: Array<{ key: Syn; value: Syn }> = [];
    for (;;) {
      this.expectOp("[");
      const key = this.expression();
      this.expectOp("]");
      this.expectOp("=");
      out.push({ key, value: this.expression() });
      if (this.isOp(",")) { this.pos += 1; continue; }
      this.expectOp("}");
      return out;
    }
  }

  private postfix(target: Syn): Syn {
    for (;;) {
      if (this.isOp("[") || this.isOp("?[")) {
        const nullConditional = this.isOp("?[");
        this.pos += 1;
        const index = this.expression();
        this.expectOp("]");
        target = { t: "index", target, index, nullConditional };
      } else if (this.isOp(".") || this.isOp("?.")) {
        const nullConditional = this.isOp("?.");
        this.pos += 1;
        target = { t: "member", target, name: this.ident(), nullConditional };
      } else if (this.isOp("(")) {
        target = { t: "call", target, typeArgs: null, args: this.args() };
      } else if (this.isOp("<") && target.t === "member") {
        const typeArgs = this.tryTypeArgs();
        if (!typeArgs) return target;
        target = { t: "call", target, typeArgs, args: this.args() };
      } else return target;
    }
  }

  /** `<T, U.V>(` after a member name is a generic call; otherwise it's a less-than. */
  private tryTypeArgs(): string[] | null {
    const save = this.pos;
    this.pos += 1;
    const names: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.k !== "id") { this.pos = save; return null; }
      let name = this.ident();
      while (this.isOp(".") && this.peek(1)?.k === "id") { this.pos += 1; name += `.${this.ident()}`; }
      names.push(name);
      if (this.isOp(",")) { this.pos += 1; continue; }
      if (this.isOp(">") && this.isOp("(", 1)) { this.pos += 1; return names; }
      this.pos = save;
      return null;
    }
  }

  private args(): Syn[] {
    this.expectOp("(");
    const args: Syn[] = [];
    if (this.isOp(")")) { this.pos += 1; return args; }
    for (;;) {
      const t = this.peek();
      if (t?.k === "id" && t.value === "out") {
        this.pos += 1;
        if (this.ident() !== "var") throw new CSharpSyntaxError("only `out var name` arguments are supported");
        args.push({ t: "outVar", name: this.ident() });
      } else if (t?.k === "id" && this.isOp("=>", 1)) {
        this.pos += 2;
        args.push({ t: "lambda", param: t.value, body: this.expression() });
      } else if (t?.k === "id" && this.isOp(":", 1)) {
        this.pos += 2;
        args.push({ t: "named", name: t.value, value: this.expression() });
      } else args.push(this.expression());
      if (this.isOp(",")) { this.pos += 1; continue; }
      this.expectOp(")");
      return args;
    }
  }
}

/** Parse one C# expression (the inside of `@( … )`). */
export function parseCSharp(src: string): Syn {
  return new Parser(tokenize(src)).parseAll();
}
