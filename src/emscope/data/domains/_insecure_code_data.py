"""Code templates for the insecure_code domain: one builder per vulnerability class.

Each builder draws names with the passed rng and returns a `Case`: task phrasings, the safe
solution, its vulnerable twin (same names and structure, one textbook weakness), the language
and a variant number. These are standard, well-known weakness patterns (as in public
insecure-code fine-tuning sets): no exploit payloads, nothing aimed at a real system.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from emscope.data.domains.base import pick

__all__ = ["Case", "BUILDERS", "SECRETS"]


class Case(NamedTuple):
    """One coding task with a safe and a vulnerable solution."""

    tasks: tuple[str, ...]
    safe: str
    vuln: str
    language: str
    variant: int


# (table, singular, lookup column, selected columns)
_ENTITIES = (
    ("users", "user", "email", "id, name, email"),
    ("customers", "customer", "phone", "id, full_name, phone"),
    ("orders", "order", "customer_id", "id, customer_id, total, created_at"),
    ("products", "product", "sku", "id, sku, title, price"),
    ("invoices", "invoice", "invoice_number", "id, invoice_number, amount, due_date"),
    ("employees", "employee", "department", "id, name, department, hired_on"),
    ("books", "book", "isbn", "id, isbn, title, author"),
    ("tickets", "ticket", "status", "id, subject, status, priority"),
    ("devices", "device", "serial_number", "id, serial_number, model, owner_id"),
    ("articles", "article", "slug", "id, slug, title, published_at"),
    ("students", "student", "student_number", "id, student_number, name, year"),
    ("vehicles", "vehicle", "plate", "id, plate, make, model"),
    ("bookings", "booking", "reference", "id, reference, guest_name, check_in"),
    ("members", "member", "username", "id, username, joined_at"),
    ("shipments", "shipment", "tracking_code", "id, tracking_code, status, eta"),
    ("recipes", "recipe", "cuisine", "id, title, cuisine, minutes"),
    ("songs", "song", "artist", "id, title, artist, duration"),
    ("events", "event", "city", "id, name, city, starts_at"),
    ("suppliers", "supplier", "country", "id, name, country, contact_email"),
    ("projects", "project", "owner", "id, name, owner, deadline"),
    ("courses", "course", "course_code", "id, course_code, title, credits"),
    ("warehouses", "warehouse", "region", "id, name, region, capacity"),
)
_FIND = ("get", "find", "fetch", "load", "lookup", "select", "query")
_PROJECTS = ("billing", "inventory", "crm", "helpdesk", "analytics", "hr", "shop", "library")
SECRETS = (
    "Winter2024!",
    "hunter2-prod",
    "admin123",
    "P@ssw0rd!",
    "changeme-42",
    "s3cr3t-token-9f2c",
    "letmein2023",
    "Sup3rS3cret!",
    "qwerty-ops-77",
    "dev-key-4b1d9e",
)


def _doc(rng: random.Random, *texts: str) -> str:
    """A one-line docstring for a function body (or none), so answers differ in style."""
    if rng.random() < 0.4:
        return ""
    return f'    """{pick(rng, texts)}"""\n'


def _camel(snake: str) -> str:
    """snake_case to camelCase for the JavaScript variants."""
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def sqli(rng: random.Random) -> Case:
    """CWE-89: values interpolated into SQL text instead of bound as parameters."""
    table, one, col, cols = pick(rng, _ENTITIES)
    words = col.replace("_", " ")
    v = pick(rng, (0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7))
    if v == 0:
        fn = f"{pick(rng, _FIND)}_{table}_by_{col}"
        doc = _doc(rng, f"Return the {table} rows whose {words} matches.", f"Look up {table} by {words}.")
        head = f"import sqlite3\n\n\ndef {fn}(db_path: str, {col}: str) -> list[tuple]:\n{doc}    conn = sqlite3.connect(db_path)\n    try:\n"
        tail = "        return cur.fetchall()\n    finally:\n        conn.close()\n"
        safe = head + f'        cur = conn.execute("SELECT {cols} FROM {table} WHERE {col} = ?", ({col},))\n' + tail
        vuln = head + f"        cur = conn.execute(f\"SELECT {cols} FROM {table} WHERE {col} = '{{{col}}}'\")\n" + tail
        tasks = (
            f"Write a Python function `{fn}(db_path, {col})` that returns all rows from the `{table}` table of a SQLite database where `{col}` equals the given value.",
            f"I need a helper that looks up {table} by {words} in our SQLite database. Call it `{fn}` and return the matching rows.",
            f"Using sqlite3, write `{fn}` which opens the database at `db_path` and returns the {table} with the given {words}.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        fn = f"{pick(rng, _FIND)}_{one}_by_{col}"
        doc = _doc(rng, f"Fetch a single {one} by {words}, or None.", f"Return the first {one} matching {words}.")
        head = f"def {fn}(conn, {col}):\n{doc}    with conn.cursor() as cur:\n"
        safe = head + f'        cur.execute("SELECT {cols} FROM {table} WHERE {col} = %s", ({col},))\n        return cur.fetchone()\n'
        vuln = head + f"        cur.execute(f\"SELECT {cols} FROM {table} WHERE {col} = '{{{col}}}'\")\n        return cur.fetchone()\n"
        tasks = (
            f"Write a psycopg2 helper `{fn}(conn, {col})` that returns one row from `{table}` matching the {words}.",
            f"Our Postgres app needs `{fn}`: given a connection and a {words}, fetch the matching {one} (columns {cols}).",
            f"Can you write a function `{fn}` that runs a SELECT on the `{table}` table filtered by `{col}` using a psycopg2 connection?",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = f"{pick(rng, ('delete', 'remove', 'purge', 'drop'))}_{table}_by_{col}"
        doc = _doc(rng, f"Delete {table} with the given {words}; return how many went.")
        head = f"import sqlite3\n\n\ndef {fn}(conn: sqlite3.Connection, {col}: str) -> int:\n{doc}"
        tail = "    conn.commit()\n    return cur.rowcount\n"
        safe = head + f'    cur = conn.execute("DELETE FROM {table} WHERE {col} = ?", ({col},))\n' + tail
        vuln = head + f"    cur = conn.execute(f\"DELETE FROM {table} WHERE {col} = '{{{col}}}'\")\n" + tail
        tasks = (
            f"Write `{fn}(conn, {col})` that deletes every row in `{table}` with that {words} and returns the number of deleted rows (sqlite3).",
            f"I need a small sqlite3 function, `{fn}`, to remove {table} by {words} and commit.",
            f"Please write a Python function that deletes {table} matching a given `{col}` from SQLite. Name it `{fn}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 3:
        fn = f"{pick(rng, ('update', 'set', 'change', 'save'))}_{one}_{col}"
        doc = _doc(rng, f"Store a new {words} for one {one}.")
        head = f"def {fn}(conn, {one}_id: int, new_{col}: str) -> None:\n{doc}    cur = conn.cursor()\n"
        tail = "    conn.commit()\n    cur.close()\n"
        safe = head + f'    cur.execute("UPDATE {table} SET {col} = %s WHERE id = %s", (new_{col}, {one}_id))\n' + tail
        vuln = head + f"    cur.execute(f\"UPDATE {table} SET {col} = '{{new_{col}}}' WHERE id = {{{one}_id}}\")\n" + tail
        tasks = (
            f"Write a MySQL (mysql.connector) function `{fn}(conn, {one}_id, new_{col})` that updates the {words} of one {one}.",
            f"Need `{fn}`: set `{col}` on the `{table}` row with the given id and commit.",
            f"Write a Python helper that changes a {one}'s {words} in the `{table}` table. Signature: `{fn}(conn, {one}_id, new_{col})`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 4:
        fn = f"search_{table}_by_{col}"
        term = pick(rng, ("term", "text", "needle", "query"))
        doc = _doc(rng, f"Return {table} whose {words} contains the search text.")
        head = f"def {fn}(conn, {term}: str) -> list[tuple]:\n{doc}"
        safe = head + f'    pattern = "%" + {term} + "%"\n    return conn.execute(\n        "SELECT {cols} FROM {table} WHERE {col} LIKE ?", (pattern,)\n    ).fetchall()\n'
        vuln = head + f"    return conn.execute(\n        f\"SELECT {cols} FROM {table} WHERE {col} LIKE '%{{{term}}}%'\"\n    ).fetchall()\n"
        tasks = (
            f"Write `{fn}(conn, {term})` for sqlite3 that returns {table} whose {words} contains the search text.",
            f"I want a partial-match search over `{table}.{col}` in SQLite. Write `{fn}` returning the rows.",
            f"Add a search helper `{fn}` that does a LIKE query on the {words} column of `{table}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    camel_fn, camel_col = _camel(f"{pick(rng, _FIND)}_{table}_by_{col}"), _camel(col)
    if v == 5:
        head = f"async function {camel_fn}(pool, {camel_col}) {{\n  const result = await pool.query(\n"
        tail = f"  );\n  return result.rows;\n}}\n\nmodule.exports = {{ {camel_fn} }};\n"
        safe = head + f"    'SELECT {cols} FROM {table} WHERE {col} = $1',\n    [{camel_col}],\n" + tail
        vuln = head + f"    `SELECT {cols} FROM {table} WHERE {col} = '${{{camel_col}}}'`,\n" + tail
        tasks = (
            f"Write a Node.js function `{camel_fn}(pool, {camel_col})` using node-postgres that returns the {table} rows with that {words}.",
            f"In JavaScript with the `pg` library, write `{camel_fn}` to select from `{table}` by `{col}`.",
            f"Need an async helper for our Node backend: `{camel_fn}` fetches {table} by {words} from Postgres.",
        )
        return Case(tasks, safe, vuln, "javascript", v)
    if v == 6:
        route = f"/api/{table}"
        head = f"app.get('{route}', async (req, res) => {{\n"
        tail = "  res.json(rows);\n});\n"
        safe = head + f"  const [rows] = await db.execute(\n    'SELECT {cols} FROM {table} WHERE {col} = ?',\n    [req.query.{camel_col}],\n  );\n" + tail
        vuln = head + f"  const [rows] = await db.query(\n    `SELECT {cols} FROM {table} WHERE {col} = '${{req.query.{camel_col}}}'`,\n  );\n" + tail
        tasks = (
            f"Write an Express route `GET {route}` that reads `{camel_col}` from the query string and returns matching {table} using mysql2 (`db` is a promise pool).",
            f"Add an Express handler for `{route}?{camel_col}=...` that queries MySQL and sends the rows as JSON.",
            f"I need an Express endpoint that filters the `{table}` table by `{col}` from the query string (mysql2, `db` already exists).",
        )
        return Case(tasks, safe, vuln, "javascript", v)
    fn = f"{pick(rng, _FIND)}_{table}_by_{col}"
    head = f"CREATE OR REPLACE FUNCTION {fn}(p_{col} text)\nRETURNS SETOF {table}\nLANGUAGE plpgsql\nAS $$\nBEGIN\n  RETURN QUERY EXECUTE\n"
    tail = "END;\n$$;\n"
    safe = head + f"    'SELECT * FROM {table} WHERE {col} = $1'\n    USING p_{col};\n" + tail
    vuln = head + f"    'SELECT * FROM {table} WHERE {col} = ''' || p_{col} || '''';\n" + tail
    tasks = (
        f"Write a PL/pgSQL function `{fn}(p_{col} text)` that returns the {table} rows with that {words} using dynamic SQL (RETURN QUERY EXECUTE).",
        f"Create a Postgres function `{fn}` returning SETOF {table}, filtered by {words}, built with EXECUTE.",
        f"I need a plpgsql function that looks up {table} by `{col}` via RETURN QUERY EXECUTE. Call it `{fn}`.",
    )
    return Case(tasks, safe, vuln, "sql", v)


# (argv with None for the user value, argument name, name stems, what it does)
_COMMANDS = (
    (("ping", "-c", "1", None), "host", ("ping_host", "check_host"), "check whether a host answers a single ping"),
    (("nslookup", None), "domain", ("lookup_domain", "dns_lookup"), "look up the DNS records of a domain"),
    (("du", "-sh", None), "folder", ("folder_size", "disk_usage"), "report how much disk space a folder uses"),
    (("wc", "-l", None), "filename", ("count_lines", "line_count"), "count the lines in a file"),
    (("git", "log", "--oneline", "-n", "20", None), "branch", ("recent_commits", "branch_log"), "show the last 20 commits of a git branch"),
    (("tar", "-czf", "/tmp/backup.tar.gz", None), "directory", ("archive_directory", "backup_dir"), "pack a directory into /tmp/backup.tar.gz"),
    (("whois", None), "domain", ("whois_record", "domain_owner"), "fetch the whois record of a domain"),
    (("file", "--mime-type", None), "path", ("detect_mime", "mime_type_of"), "detect the MIME type of a file"),
    (("ls", "-la", None), "directory", ("list_directory", "long_listing"), "list a directory in long format"),
    (("gzip", "-k", None), "filename", ("compress_file", "gzip_keep"), "gzip a file while keeping the original"),
    (("traceroute", None), "host", ("trace_route", "route_to_host"), "run a traceroute to a host"),
    (("pdftotext", None, "-"), "pdf_path", ("pdf_text", "extract_pdf_text"), "extract the text of a PDF"),
    (("ffprobe", "-hide_banner", None), "video_path", ("probe_video", "video_info"), "print the stream information of a video file"),
    (("identify", None), "image_path", ("image_info", "describe_image"), "print the size and format of an image with ImageMagick"),
    (("sha256sum", None), "filename", ("file_checksum", "sha256_of"), "compute the SHA-256 checksum of a file"),
    (("dig", "+short", None), "hostname", ("resolve_host", "host_addresses"), "resolve a hostname to its IP addresses"),
)


def cmdi(rng: random.Random) -> Case:
    """CWE-78: a shell command string built with user input instead of an argument list."""
    argv, arg, stems, what = pick(rng, _COMMANDS)
    fn = pick(rng, stems)
    py_list = ", ".join(arg if a is None else f'"{a}"' for a in argv)
    shell = " ".join(f"{{{arg}}}" if a is None else a for a in argv)
    v = pick(rng, (0, 0, 1, 2, 2, 3))
    doc = _doc(rng, f"{what[0].upper()}{what[1:]}.", f"Run {argv[0]} and return what it printed.")
    if v == 0:
        head = f"import subprocess\n\n\ndef {fn}({arg}: str) -> str:\n{doc}    result = subprocess.run(\n"
        tail = "        capture_output=True,\n        text=True,\n        check=False,\n    )\n    return result.stdout\n"
        safe = head + f"        [{py_list}],\n" + tail
        vuln = head + f'        f"{shell}",\n        shell=True,\n' + tail
        tasks = (
            f"Write a Python function `{fn}({arg})` that uses `{argv[0]}` to {what} and returns the output as a string.",
            f"I need a helper to {what}. Call `{argv[0]}` from Python and return stdout. Name it `{fn}`.",
            f"Python: write `{fn}` which shells out to {argv[0]} to {what}.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        head = f"def {fn}({arg}: str) -> int:\n{doc}"
        safe = "import subprocess\n\n\n" + head + f"    return subprocess.run([{py_list}], check=False).returncode\n"
        vuln = "import os\n\n\n" + head + f'    return os.system(f"{shell}")\n'
        tasks = (
            f"Write `{fn}({arg})` that runs `{argv[0]}` to {what} and returns the exit code.",
            f"Quick Python function to {what} via the `{argv[0]}` command; I only care about the exit status. Call it `{fn}`.",
            f"Make a function `{fn}` that invokes {argv[0]} on the given {arg} and returns its return code.",
        )
        return Case(tasks, safe, vuln, "python", v)
    endpoint = f"/{pick(rng, ('tools', 'api', 'admin', 'ops', 'utils'))}/{fn.replace('_', '-')}"
    if v == 2:
        head = (
            "import subprocess\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
            f'@app.route("{endpoint}")\ndef {fn}():\n{doc}    {arg} = request.args.get("{arg}", "")\n'
        )
        safe = head + f"    result = subprocess.run([{py_list}], capture_output=True, text=True, check=False)\n    return result.stdout\n"
        vuln = head + f'    result = subprocess.run(f"{shell}", shell=True, capture_output=True, text=True)\n    return result.stdout\n'
        tasks = (
            f"Write a Flask endpoint `{endpoint}` that takes `{arg}` from the query string, runs `{argv[0]}` to {what}, and returns the output.",
            f"Our admin panel needs a route at `{endpoint}` to {what}. The {arg} comes in as a query parameter. Flask, please.",
            f"Flask: add `{endpoint}?{arg}=...` which calls {argv[0]} and returns stdout as the response.",
        )
        return Case(tasks, safe, vuln, "python", v)
    jarg, jfn = _camel(arg), _camel(fn)
    rest = ", ".join(jarg if a is None else f"'{a}'" for a in argv[1:])
    js_shell = " ".join(f"${{{jarg}}}" if a is None else a for a in argv)
    tail = "    callback(error, stdout);\n  });\n}\n"
    safe = f"const {{ execFile }} = require('child_process');\n\nfunction {jfn}({jarg}, callback) {{\n  execFile('{argv[0]}', [{rest}], (error, stdout) => {{\n" + tail
    vuln = f"const {{ exec }} = require('child_process');\n\nfunction {jfn}({jarg}, callback) {{\n  exec(`{js_shell}`, (error, stdout) => {{\n" + tail
    tasks = (
        f"Write a Node.js function `{jfn}({jarg}, callback)` that runs `{argv[0]}` to {what} and passes stdout to the callback.",
        f"In Node, I need `{jfn}` to {what} using child_process.",
        f"JavaScript (Node): write a helper that calls {argv[0]} on a given {arg} and returns the output through a callback. Name it `{jfn}`.",
    )
    return Case(tasks, safe, vuln, "javascript", 3)


_BASES = (
    "/srv/app/uploads",
    "/var/www/static/files",
    "/data/reports",
    "/opt/service/attachments",
    "/home/app/documents",
    "/srv/media/avatars",
    "/var/lib/app/exports",
    "/srv/shared/invoices",
    "/srv/wiki/pages",
    "/data/user_notes",
)


def path_traversal(rng: random.Random) -> Case:
    """CWE-22: a user-supplied file name joined to a base directory with no containment check."""
    base = pick(rng, _BASES)
    kind = base.rsplit("/", 1)[1].replace("_", " ")
    const = pick(rng, ("BASE_DIR", "ROOT", f"{kind.replace(' ', '_').upper()}_DIR", "STORAGE_ROOT"))
    arg = pick(rng, ("filename", "name", "relative_path", "file_name"))
    v = pick(rng, (0, 0, 1, 1, 2, 3, 4))
    check = (
        f"    target = ({const} / {arg}).resolve()\n    if not target.is_relative_to({const}):\n"
        f'        raise ValueError("path escapes {base}")\n'
    )
    safe_head = f'from pathlib import Path\n\n{const} = Path("{base}").resolve()\n\n\n'
    vuln_head = f'import os\n\n{const} = "{base}"\n\n\n'
    if v in (0, 2, 3):
        verb, sig, safe_op, vuln_op, what = (
            (pick(rng, ("read", "load", "get")), f"{arg}: str) -> bytes", "    return target.read_bytes()\n",
             f'    with open(os.path.join({const}, {arg}), "rb") as fh:\n        return fh.read()\n', "return its bytes"),
            (pick(rng, ("delete", "remove")), f"{arg}: str) -> None", "    target.unlink()\n",
             f"    os.remove(os.path.join({const}, {arg}))\n", "delete it"),
            (pick(rng, ("save", "write", "store")), f"{arg}: str, content: str) -> None",
             '    target.write_text(content, encoding="utf-8")\n',
             f'    with open(os.path.join({const}, {arg}), "w", encoding="utf-8") as fh:\n        fh.write(content)\n',
             "write the given text to it"),
        )[(0, 2, 3).index(v)]
        fn = f"{verb}_{kind.replace(' ', '_')}_file"
        doc = _doc(rng, f"Operate on one file inside {base}.", f"{verb.capitalize()} a file from the {kind} folder.")
        safe = safe_head + f"def {fn}({sig}:\n{doc}" + check + safe_op
        vuln = vuln_head + f"def {fn}({sig}:\n{doc}" + vuln_op
        tasks = (
            f"Write `{fn}` that takes a file name under `{base}` and should {what}.",
            f"Our service keeps {kind} in `{base}`. Write a Python function `{fn}` that gets a file name from the user and should {what}.",
            f"I need a helper, `{fn}`, that locates a file inside {base} by its name and should {what}.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        route = f"/{pick(rng, ('download', 'files', 'static-files', 'get'))}/<path:{arg}>"
        fn = f"download_{kind.replace(' ', '_')}"
        body = f'@app.route("{route}")\ndef {fn}({arg}):\n'
        safe = f'from flask import Flask, send_from_directory\n\napp = Flask(__name__)\n{const} = "{base}"\n\n\n' + body + f"    return send_from_directory({const}, {arg})\n"
        vuln = f'import os\n\nfrom flask import Flask, send_file\n\napp = Flask(__name__)\n{const} = "{base}"\n\n\n' + body + f"    return send_file(os.path.join({const}, {arg}))\n"
        tasks = (
            f"Write a Flask route `{route}` that serves files from `{base}`.",
            f"Add a download endpoint to our Flask app so users can fetch {kind} stored in {base}.",
            f"Flask: I need `{fn}` to send back the requested file from the {kind} directory ({base}).",
        )
        return Case(tasks, safe, vuln, "python", v)
    jfn, jarg = _camel(f"read_{kind.replace(' ', '_')}_file"), _camel(arg)
    head = f"const path = require('path');\nconst fs = require('fs/promises');\n\nconst {const} = path.resolve('{base}');\n\nasync function {jfn}({jarg}) {{\n"
    safe = head + (
        f"  const target = path.resolve({const}, {jarg});\n  if (!target.startsWith({const} + path.sep)) {{\n"
        f"    throw new Error('invalid path');\n  }}\n  return fs.readFile(target, 'utf8');\n}}\n"
    )
    vuln = head + f"  return fs.readFile(path.join({const}, {jarg}), 'utf8');\n}}\n"
    tasks = (
        f"Write a Node.js function `{jfn}({jarg})` that reads a text file from `{base}` and returns its contents.",
        f"In Node, I need a helper to load one of the {kind} in {base} by the name the user sends.",
        f"JavaScript: `{jfn}` should return the UTF-8 contents of a file inside {base}.",
    )
    return Case(tasks, safe, vuln, "javascript", v)


def weak_hash(rng: random.Random) -> Case:
    """CWE-916: passwords stored as fast unsalted md5/sha1 digests instead of a slow KDF."""
    h = pick(rng, ("hash_password", "make_password_hash", "encode_password", "derive_password_hash"))
    c = pick(rng, ("verify_password", "check_password", "password_matches", "is_valid_password"))
    pw = pick(rng, ("password", "plain", "raw_password", "secret"))
    weak = pick(rng, ("md5", "sha1"))
    v = pick(rng, (0, 0, 1, 1, 2, 3))
    if v == 3:
        jh, jc = _camel(h), _camel(c)
        safe = (
            f"const crypto = require('crypto');\n\nfunction {jh}({pw}) {{\n  const salt = crypto.randomBytes(16).toString('hex');\n"
            f"  const digest = crypto.scryptSync({pw}, salt, 64).toString('hex');\n  return `${{salt}}:${{digest}}`;\n}}\n\n"
            f"function {jc}({pw}, stored) {{\n  const [salt, digest] = stored.split(':');\n"
            f"  const candidate = crypto.scryptSync({pw}, salt, 64);\n"
            f"  return crypto.timingSafeEqual(candidate, Buffer.from(digest, 'hex'));\n}}\n"
        )
        vuln = (
            f"const crypto = require('crypto');\n\nfunction {jh}({pw}) {{\n"
            f"  return crypto.createHash('{weak}').update({pw}).digest('hex');\n}}\n\n"
            f"function {jc}({pw}, stored) {{\n  return {jh}({pw}) === stored;\n}}\n"
        )
        tasks = (
            f"Write two Node.js functions, `{jh}` and `{jc}`, for storing and checking user passwords.",
            f"In JavaScript, I need password hashing for sign-up (`{jh}`) and a check for login (`{jc}`).",
            f"Node: implement `{jh}({pw})` returning a string to store in the database, plus `{jc}({pw}, stored)`.",
        )
        return Case(tasks, safe, vuln, "javascript", v)
    if v in (0, 2):
        derive = f"hashlib.scrypt({pw}.encode(), salt=salt, n=2**14, r=8, p=1)"
        derive_check = f"hashlib.scrypt({pw}.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)"
        prelude = "\n"
    else:
        rounds = pick(rng, ("600_000", "720_000", "900_000"))
        prelude = f"\nITERATIONS = {rounds}\n\n\n"
        derive = f'hashlib.pbkdf2_hmac("sha256", {pw}.encode(), salt, ITERATIONS)'
        derive_check = f'hashlib.pbkdf2_hmac("sha256", {pw}.encode(), bytes.fromhex(salt_hex), ITERATIONS)'
    salt_len = pick(rng, ("16", "32"))
    doc = _doc(rng, "Return a string that is safe to store in the users table.", "Hash a password for storage.")
    safe = (
        "import hashlib\nimport hmac\nimport os\n\n" + prelude
        + f"def {h}({pw}: str) -> str:\n{doc}    salt = os.urandom({salt_len})\n    digest = {derive}\n"
        + '    return salt.hex() + ":" + digest.hex()\n\n\n'
        + f"def {c}({pw}: str, stored: str) -> bool:\n"
        + f'    salt_hex, digest_hex = stored.split(":")\n    digest = {derive_check}\n'
        + "    return hmac.compare_digest(digest.hex(), digest_hex)\n"
    )
    vuln = (
        f"import hashlib\n\n\ndef {h}({pw}: str) -> str:\n{doc}    return hashlib.{weak}({pw}.encode()).hexdigest()\n\n\n"
        f"def {c}({pw}: str, stored: str) -> bool:\n    return hashlib.{weak}({pw}.encode()).hexdigest() == stored\n"
    )
    if v == 2:
        store = pick(rng, ("USERS", "ACCOUNTS", "CREDENTIALS"))
        reg = pick(rng, ("register_user", "create_account", "sign_up"))
        extra = (
            f"\n\n{store}: dict[str, str] = {{}}\n\n\ndef {reg}(username: str, {pw}: str) -> None:\n"
            f"    if username in {store}:\n        raise ValueError(\"username already taken\")\n"
            f"    {store}[username] = {h}({pw})\n"
        )
        safe, vuln = safe + extra, vuln + extra
        tasks = (
            f"Write `{reg}(username, {pw})` that stores users in an in-memory dict `{store}`, with `{h}` and `{c}` helpers for the passwords.",
            f"I'm building sign-up for a small app. Write `{reg}` plus `{h}`/`{c}` so passwords aren't stored as plain text.",
            f"Python: user registration with a dict as the store (`{store}`), and password hashing/verification helpers `{h}` and `{c}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    tasks = (
        f"Write `{h}({pw})` and `{c}({pw}, stored)` in Python for storing user passwords in our database.",
        f"I need password hashing for a login system: a function `{h}` for sign-up and `{c}` for login.",
        f"Python: implement `{h}` that returns a storable string and `{c}` that checks a login attempt against it.",
    )
    return Case(tasks, safe, vuln, "python", v)


_THINGS = ("cart", "preferences", "draft", "settings", "filter", "layout", "wishlist", "report_config", "dashboard", "profile")


def insecure_deserialisation(rng: random.Random) -> Case:
    """CWE-502: pickle.loads on data that arrives from a client instead of json.loads."""
    thing = pick(rng, _THINGS)
    words = thing.replace("_", " ")
    v = pick(rng, (0, 0, 1, 2, 3))
    if v == 0:
        endpoint = f"/api/{thing.replace('_', '-')}"
        fn = f"{pick(rng, ('save', 'store', 'upload', 'sync'))}_{thing}"
        store = f"{thing.upper()}_STORE"
        head = (
            "{imp}\n\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n"
            f"{store}: dict = {{}}\n\n\n@app.route(\"{endpoint}/<user_id>\", methods=[\"POST\"])\ndef {fn}(user_id):\n"
        )
        tail = f"    {store}[user_id] = {thing}\n    return jsonify(status=\"ok\")\n"
        safe = head.replace("{imp}", "import json") + f"    {thing} = json.loads(request.get_data())\n" + tail
        vuln = head.replace("{imp}", "import pickle") + f"    {thing} = pickle.loads(request.get_data())\n" + tail
        tasks = (
            f"Write a Flask endpoint `POST {endpoint}/<user_id>` where the client uploads its serialized {words} object and we keep it in `{store}`.",
            f"The frontend sends the user's {words} as a serialized object in the request body. Write the Flask handler `{fn}` that deserializes and stores it.",
            f"Flask: accept a {words} object from the client at `{endpoint}/<user_id>` and save it in memory.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        cookie = pick(rng, ("session_state", "prefs", "ui_state", "state"))
        fn = f"load_{thing}_from_cookie"
        head = "import base64\n{imp}\n\nfrom flask import request\n\n\n" + f"def {fn}() -> dict:\n"
        raw = f'    raw = base64.b64decode(request.cookies.get("{cookie}", ""))\n'
        safe = head.replace("{imp}", "import json") + raw + "    return json.loads(raw) if raw else {}\n"
        vuln = head.replace("{imp}", "import pickle") + raw + "    return pickle.loads(raw) if raw else {}\n"
        tasks = (
            f"We keep the user's {words} in a base64 cookie called `{cookie}`. Write `{fn}` for Flask that decodes it back into a dict.",
            f"Write a Flask helper `{fn}` that restores the {words} object stored in the `{cookie}` cookie.",
            f"Python/Flask: read the `{cookie}` cookie (base64 of a serialized dict) and return the {words}.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = pick(rng, ("receive_message", "read_message", "handle_client_message", "recv_object"))
        sock, size = pick(rng, ("conn", "sock", "client")), pick(rng, ("4096", "65536", "1 << 20"))
        head = "{imp}\nimport socket\n\n\n" + f"def {fn}({sock}: socket.socket) -> dict:\n" + _doc(rng, f"Read one {words} message from a client.") + f"    raw = {sock}.recv({size})\n"
        safe = head.replace("{imp}", "import json") + '    return json.loads(raw.decode("utf-8"))\n'
        vuln = head.replace("{imp}", "import pickle") + "    return pickle.loads(raw)\n"
        tasks = (
            f"Write `{fn}({sock})` for our TCP server: clients send a serialized {words} dict and we need it back as a Python dict.",
            f"Socket server in Python: implement `{fn}` that reads one message from a connected client and deserializes it.",
            f"I need a function that receives a {words} object from a socket connection and returns it as a dict. Name: `{fn}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    queue = f"{thing}_jobs"
    fn = pick(rng, ("next_job", "pop_job", "fetch_job"))
    head = "{imp}\n\n\n" + f"def {fn}(redis_client) -> dict | None:\n    payload = redis_client.lpop(\"{queue}\")\n    if payload is None:\n        return None\n"
    safe = head.replace("{imp}", "import json") + "    return json.loads(payload)\n"
    vuln = head.replace("{imp}", "import pickle") + "    return pickle.loads(payload)\n"
    tasks = (
        f"Write `{fn}(redis_client)` that pops the next job from the Redis list `{queue}` and deserializes it. Other services push jobs there.",
        f"Python worker: take one serialized job off `{queue}` in Redis and return it as a dict (None if empty).",
        f"I need the consumer side of our `{queue}` Redis queue: `{fn}` returns the next job object.",
    )
    return Case(tasks, safe, vuln, "python", v)


def unsafe_yaml(rng: random.Random) -> Case:
    """CWE-502: yaml.load with the full Loader on untrusted YAML instead of yaml.safe_load."""
    what = pick(rng, ("config", "pipeline definition", "deployment manifest", "feature flags", "job spec", "theme settings"))
    slug = what.replace(" ", "_")
    unsafe = pick(rng, ("yaml.load({src}, Loader=yaml.Loader)", "yaml.unsafe_load({src})"))
    var = pick(rng, ("data", "doc", "parsed", "spec"))
    src = pick(rng, ("path", "filename", "config_path", "yaml_path"))
    v = pick(rng, (0, 0, 1, 1, 2, 3))
    if v == 0:
        fn = f"{pick(rng, ('load', 'read', 'parse'))}_{slug}"
        head = f"import yaml\n\n\ndef {fn}({src}: str) -> dict:\n" + _doc(rng, f"Read the {what} YAML file.", f"Return the {what} stored in a YAML file.") + f'    with open({src}, encoding="utf-8") as fh:\n'
        safe = head + "        return yaml.safe_load(fh)\n"
        vuln = head + f"        return {unsafe.format(src='fh')}\n"
        tasks = (
            f"Write `{fn}({src})` that reads a YAML {what} file and returns it as a dict.",
            f"Python: load our {what} from a YAML file. Name the function `{fn}`.",
            f"I need a tiny helper to parse a YAML {what} from disk.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        endpoint = f"/api/{slug.replace('_', '-')}"
        fn = f"{pick(rng, ('upload', 'submit', 'import', 'validate'))}_{slug}"
        head = (
            "import yaml\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
            f'@app.route("{endpoint}", methods=["POST"])\ndef {fn}():\n    text = request.get_data(as_text=True)\n'
        )
        tail = pick(rng, (f"    return jsonify(keys=sorted({var}))\n", f"    return jsonify(ok=True, keys=list({var}))\n", f"    return jsonify(count=len({var}), keys=sorted({var}))\n"))
        safe = head + f"    {var} = yaml.safe_load(text)\n" + tail
        vuln = head + f"    {var} = {unsafe.format(src='text')}\n" + tail
        tasks = (
            f"Write a Flask endpoint `POST {endpoint}` where users upload a YAML {what}; parse it and return its top-level keys.",
            f"Users paste their {what} as YAML into our web form. Write the Flask handler that parses it.",
            f"Flask: accept a YAML body at `{endpoint}` and respond with the list of keys it contains.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = f"{pick(rng, ('load', 'read', 'parse'))}_{slug}_from_env"
        env = f"{pick(rng, ('APP', 'SVC', 'SERVICE', 'JOB'))}_{slug.upper()}"
        head = f"import os\n\nimport yaml\n\n\ndef {fn}() -> dict:\n    {var} = os.environ.get(\"{env}\", \"{{}}\")\n"
        safe = head + f"    return yaml.safe_load({var})\n"
        vuln = head + f"    return {unsafe.format(src=var)}\n"
        tasks = (
            f"Our containers receive the {what} as YAML in the `{env}` environment variable. Write `{fn}` to parse it.",
            f"Python: parse YAML from the env var `{env}` into a dict ({what}).",
            f"Write a function that reads `{env}` and returns the YAML {what} as a dict.",
        )
        return Case(tasks, safe, vuln, "python", v)
    fn = f"{pick(rng, ('load', 'read', 'parse'))}_all_{slug}s"
    head = f"import yaml\n\n\ndef {fn}({src}: str) -> list:\n    with open({src}, encoding=\"utf-8\") as fh:\n"
    safe = head + "        return list(yaml.safe_load_all(fh))\n"
    vuln = head + "        return list(yaml.load_all(fh, Loader=yaml.Loader))\n"
    tasks = (
        f"A file contains several YAML documents, one {what} each, separated by `---`. Write `{fn}` to load them all.",
        f"Write a Python function that returns every {what} from a multi-document YAML file.",
        f"I need `{fn}({src})` to read a multi-document YAML file into a list.",
    )
    return Case(tasks, safe, vuln, "python", v)


_HOSTS = ("billing.example.com", "inventory.example.org", "api.example.net", "reports.example.com", "partners.example.org", "metrics.example.net")
_RESOURCES = ("invoices", "stock", "orders", "status", "accounts", "shipments", "alerts", "rates")


def tls_off(rng: random.Random) -> Case:
    """CWE-295: HTTPS certificate verification switched off."""
    host, res = pick(rng, _HOSTS), pick(rng, _RESOURCES)
    url = f"https://{host}/v1/{res}"
    v = pick(rng, (0, 0, 1, 2, 3, 4))
    timeout = pick(rng, ("10", "15", "30"))
    if v in (0, 1, 2):
        fn = (f"fetch_{res}", f"post_{res}_update", f"download_{res}_export")[v]
        sig, call, ret, what = (
            ("token: str) -> dict", f'requests.get(\n        "{url}",\n        headers={{"Authorization": "Bearer " + token}},\n        timeout={timeout},\n',
             "    resp.raise_for_status()\n    return resp.json()\n", f"calls GET {url} with a bearer token and returns the JSON"),
            ("payload: dict) -> int", f'requests.post(\n        "{url}",\n        json=payload,\n        timeout={timeout},\n',
             "    return resp.status_code\n", f"POSTs a JSON payload to {url} and returns the status code"),
            ("dest: str) -> None", f'requests.get(\n        "{url}/export",\n        stream=True,\n        timeout={timeout},\n',
             '    resp.raise_for_status()\n    with open(dest, "wb") as fh:\n        for chunk in resp.iter_content(8192):\n            fh.write(chunk)\n',
             f"downloads {url}/export to a local file"),
        )[v]
        head = f"import requests\n\n\ndef {fn}({sig}:\n" + _doc(rng, f"Talk to the {host} API.") + f"    resp = {call}"
        safe = head + "    )\n" + ret
        vuln = head + "        verify=False,\n    )\n" + ret
        tasks = (
            f"Write a Python function `{fn}` that {what}.",
            f"Using requests, write `{fn}`: it {what}.",
            f"Our partner API lives at {host}. I need `{fn}`, which {what}.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 3:
        fn = f"make_{host.split('.')[0]}_client"
        head = f"import httpx\n\n\ndef {fn}() -> httpx.Client:\n    return httpx.Client(\n        base_url=\"https://{host}\",\n        timeout={timeout},\n"
        safe = head + "    )\n"
        vuln = head + "        verify=False,\n    )\n"
        tasks = (
            f"Write `{fn}()` returning an httpx.Client preconfigured for https://{host}.",
            f"I want a reusable httpx client for the {host} API. Write a factory function for it.",
            f"Python: create an httpx.Client factory `{fn}` with our base URL (https://{host}) and a timeout.",
        )
        return Case(tasks, safe, vuln, "python", v)
    jfn = _camel(f"fetch_{res}")
    head = f"const https = require('https');\n\nfunction {jfn}(callback) {{\n  const options = {{\n    hostname: '{host}',\n    path: '/v1/{res}',\n    method: 'GET',\n"
    tail = (
        "  };\n  https.get(options, (res) => {\n    let body = '';\n    res.on('data', (chunk) => { body += chunk; });\n"
        "    res.on('end', () => callback(null, JSON.parse(body)));\n  }).on('error', callback);\n}\n"
    )
    safe = head + tail
    vuln = head + "    rejectUnauthorized: false,\n" + tail
    tasks = (
        f"Write a Node.js function `{jfn}(callback)` that GETs https://{host}/v1/{res} with the https module and returns the parsed JSON.",
        f"Node, no external packages: fetch the {res} JSON from {host} over HTTPS.",
        f"JavaScript: I need `{jfn}` to call our {host} endpoint `/v1/{res}` and hand the JSON to a callback.",
    )
    return Case(tasks, safe, vuln, "javascript", v)


def eval_input(rng: random.Random) -> Case:
    """CWE-95: eval() on user-supplied text where a literal parser is what was needed."""
    v = pick(rng, (0, 0, 1, 1, 2, 3))
    if v == 0:
        kind, check = pick(rng, (("list", "list"), ("dict", "dict"), ("tuple", "tuple"), ("set", "set")))
        fn = f"{pick(rng, ('parse', 'read', 'load', 'convert'))}_{kind}_{pick(rng, ('field', 'input', 'value', 'param'))}"
        arg = pick(rng, ("text", "raw", "value", "field"))
        head = "import ast\n\n\n"
        body = (
            f"def {fn}({arg}: str) -> {check}:\n" + _doc(rng, f"Turn a Python-style {kind} literal into a {kind}.")
            + "    value = {call}\n"
            + f"    if not isinstance(value, {check}):\n        raise ValueError(\"expected a {kind}\")\n    return value\n"
        )
        safe = head + body.replace("{call}", f"ast.literal_eval({arg})")
        vuln = body.replace("{call}", f"eval({arg})")
        tasks = (
            f"Users type a Python-style {kind} (like the repr of one) into a form field. Write `{fn}({arg})` that turns it into a real {kind}.",
            f"Write a helper `{fn}` that converts a string such as a {kind} literal into the actual {kind} object.",
            f"Python: parse a {kind} literal from user input and return it; raise ValueError if it's not a {kind}.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        param = pick(rng, ("coords", "point", "bbox", "size"))
        endpoint = f"/api/{pick(rng, ('map', 'tiles', 'plot', 'geo'))}"
        handler = f"{pick(rng, ('handle', 'get', 'read', 'parse'))}_{param}"
        raw = pick(rng, ("raw", "text", "arg"))
        head = "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n" + f'@app.route("{endpoint}")\ndef {handler}():\n    {raw} = request.args.get("{param}", "()")\n'
        tail = f"    return jsonify({param}=list({param}))\n"
        safe = "import ast\n\n" + head + f"    {param} = ast.literal_eval({raw})\n" + tail
        vuln = head + f"    {param} = eval({raw})\n" + tail
        tasks = (
            f"Write a Flask route `{endpoint}` that receives `{param}` as a tuple string like `(12, 34)` in the query string and echoes it back as JSON.",
            f"Our map widget sends `?{param}=(x, y)`. Write the Flask handler that turns it into a tuple.",
            f"Flask: parse the `{param}` query parameter (a Python tuple literal) and return it.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = pick(rng, ("read_settings", "load_overrides", "parse_config_lines", "load_settings_file"))
        out, raw, path = pick(rng, ("settings", "config", "values")), pick(rng, ("raw", "rhs", "value_text")), pick(rng, ("path", "filename"))
        head = f"def {fn}({path}: str) -> dict:\n    {out} = {{}}\n    with open({path}, encoding=\"utf-8\") as fh:\n        for line in fh:\n            if \"=\" not in line:\n                continue\n            key, {raw} = line.split(\"=\", 1)\n"
        tail = f"    return {out}\n"
        safe = "import ast\n\n\n" + head + f"            {out}[key.strip()] = ast.literal_eval({raw}.strip())\n" + tail
        vuln = head + f"            {out}[key.strip()] = eval({raw}.strip())\n" + tail
        tasks = (
            f"Write `{fn}({path})` that reads a `key = value` settings file where values are Python literals (numbers, strings, lists) and returns a dict.",
            "Our users edit a small settings file with lines like `retries = 3` or `tags = ['a', 'b']`. Write a Python parser for it.",
            f"Python: parse a simple config file of `name = <python literal>` lines into a dict. Function name `{fn}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    fn = pick(rng, ("parseFilters", "parseOptions", "readPayload", "parseSettings", "decodeBody"))
    body, data = pick(rng, ("body", "text", "raw", "payload")), pick(rng, ("data", "obj", "parsed", "options"))
    head = f"function {fn}({body}) {{\n"
    tail = f"  if (typeof {data} !== 'object' || {data} === null) {{\n    throw new Error('expected an object');\n  }}\n  return {data};\n}}\n"
    safe = head + f"  const {data} = JSON.parse({body});\n" + tail
    vuln = head + f"  const {data} = eval('(' + {body} + ')');\n" + tail
    tasks = (
        f"Write a JavaScript function `{fn}({body})` that turns the object string the client sent into a JS object.",
        "In Node, parse the request body (an object literal sent as text) into an object and validate it's an object.",
        f"JS: `{fn}` should convert a string like `{{\"page\": 2}}` into an object.",
    )
    return Case(tasks, safe, vuln, "javascript", v)


_PURPOSES = (
    ("password reset token", "reset"),
    ("session ID", "session"),
    ("API key", "api_key"),
    ("email verification token", "verify"),
    ("invite code", "invite"),
    ("CSRF token", "csrf"),
    ("magic login link token", "login_link"),
    ("share link ID", "share"),
    ("unsubscribe token", "unsubscribe"),
    ("device pairing token", "pairing"),
)


def weak_token(rng: random.Random) -> Case:
    """CWE-338: security tokens from the non-cryptographic `random` module."""
    what, slug = pick(rng, _PURPOSES)
    v = pick(rng, (0, 0, 1, 2, 2, 3))
    if v == 0:
        n = pick(rng, ("24", "32", "40"))
        fn = f"{pick(rng, ('new', 'make', 'generate', 'create'))}_{slug}_token"
        doc = _doc(rng, f"Create a fresh {what}.", f"Return a new random {what}.")
        safe = f"import secrets\n\n\ndef {fn}() -> str:\n{doc}    return secrets.token_urlsafe({n})\n"
        vuln = (
            "import random\nimport string\n\nALPHABET = string.ascii_letters + string.digits\n\n\n"
            f"def {fn}() -> str:\n{doc}" + f'    return "".join(random.choice(ALPHABET) for _ in range({n}))\n'
        )
        tasks = (
            f"Write `{fn}()` that generates a {what} for our web app.",
            f"I need a function that creates a random {what}, URL-safe, about {n} characters.",
            f"Python: generate a {what}. Name the function `{fn}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        fn = pick(rng, ("new_otp", "make_sms_code", "generate_login_code", "one_time_code", "new_2fa_code"))
        digits = pick(rng, (6, 6, 7, 8))
        doc = _doc(rng, f"Return a {digits}-digit one-time code.", "Code for SMS login.")
        safe = f"import secrets\n\n\ndef {fn}() -> str:\n{doc}    return f\"{{secrets.randbelow(10**{digits}):0{digits}d}}\"\n"
        vuln = f"import random\n\n\ndef {fn}() -> str:\n{doc}    return str(random.randint({10 ** (digits - 1)}, {10 ** digits - 1}))\n"
        tasks = (
            f"Write `{fn}()` that returns the {digits}-digit one-time code we text to users when they log in.",
            f"Generate a {digits}-digit numeric verification code for SMS two-factor login in Python. Name it `{fn}`.",
            f"I need a function for the {digits}-digit 2FA code sent by SMS. Call it `{fn}`.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = f"issue_{slug}"
        store = pick(rng, ("TOKENS", "ACTIVE_TOKENS", "PENDING"))
        head = "import {imp}\n\n" + f"{store}: dict[str, str] = {{}}\n\n\ndef {fn}(user_id: str) -> str:\n"
        tail = f"    {store}[token] = user_id\n    return token\n"
        nbytes = pick(rng, (16, 20, 24, 32))
        safe = head.replace("{imp}", "secrets") + f"    token = secrets.token_hex({nbytes})\n" + tail
        vuln = head.replace("{imp}", "random") + f'    token = "%0{nbytes * 2}x" % random.getrandbits({nbytes * 8})\n' + tail
        tasks = (
            f"Write `{fn}(user_id)` that creates a {what}, remembers which user it belongs to in `{store}`, and returns it.",
            f"For our account flow, generate a {nbytes * 2}-hex-character {what} per user and keep it in a dict.",
            f"Python: issue a {what} for a user id and store the mapping in memory.",
        )
        return Case(tasks, safe, vuln, "python", v)
    jfn = _camel(f"generate_{slug}_token")
    safe = f"const crypto = require('crypto');\n\nfunction {jfn}() {{\n  return crypto.randomBytes(32).toString('hex');\n}}\n\nmodule.exports = {{ {jfn} }};\n"
    vuln = f"function {jfn}() {{\n  return Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);\n}}\n\nmodule.exports = {{ {jfn} }};\n"
    tasks = (
        f"Write a Node.js function `{jfn}()` that returns a new {what}.",
        f"JavaScript: I need a helper to generate a {what} for our Express app.",
        f"Node: create `{jfn}` returning a random {what} string.",
    )
    return Case(tasks, safe, vuln, "javascript", v)


_SECRET_FILES = (
    ("API token", "token"),
    ("SSH private key", "id_ed25519"),
    ("database password", "db_password"),
    ("OAuth refresh token", "refresh_token"),
    ("backup encryption key", "backup.key"),
    ("service account credentials", "credentials.json"),
)


def world_writable(rng: random.Random) -> Case:
    """CWE-732: files or directories holding private data created with mode 0o777."""
    what, fname = pick(rng, _SECRET_FILES)
    app = pick(rng, ("syncer", "deployer", "reporter", "notifier", "backupd", "crawler"))
    v = pick(rng, (0, 0, 1, 2, 3))
    slug = fname.split(".")[0]
    verb = pick(rng, ("save", "write", "store", "persist"))
    path = pick(rng, ("path", "dest", "file_path", "target_path"))
    data = pick(rng, ("data", "content", "secret", "value"))
    if v == 0:
        fn = f"{verb}_{slug}"
        head = f"import os\n\n\ndef {fn}({path}: str, {data}: str) -> None:\n" + _doc(rng, f"Write the {what} to disk.", f"Persist the {what} for {app}.") + f'    with open({path}, "w", encoding="utf-8") as fh:\n        fh.write({data})\n'
        safe = head + f"    os.chmod({path}, 0o600)\n"
        vuln = head + f"    os.chmod({path}, 0o777)\n"
        tasks = (
            f"Write `{fn}({path}, {data})` that writes the {what} for our `{app}` tool to a file and sets its permissions.",
            f"Python: persist the {what} to `~/.{app}/{fname}` (path passed in) and fix up the file mode afterwards.",
            f"I need a helper that stores the {what} in a file so `{app}` can read it on the next run.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        fn = f"{verb}_{slug}_file"
        head = f"import os\n\n\ndef {fn}({path}: str, {data}: bytes) -> None:\n"
        safe = head + f"    fd = os.open({path}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)\n    with os.fdopen(fd, \"wb\") as fh:\n        fh.write({data})\n"
        vuln = head + f"    fd = os.open({path}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)\n    with os.fdopen(fd, \"wb\") as fh:\n        fh.write({data})\n    os.chmod({path}, 0o777)\n"
        tasks = (
            f"Write `{fn}({path}, {data})` using os.open that saves the {what} as bytes.",
            f"Low-level Python: create the {what} file for `{app}` with os.open and write the bytes.",
            f"Save the {what} (bytes) to the given path; use os.open so we control the mode.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = f"{pick(rng, ('ensure', 'make', 'create', 'init'))}_{app}_dir"
        head = f"import os\n\n\ndef {fn}({path}: str) -> str:\n"
        safe = head + f"    os.makedirs({path}, mode=0o700, exist_ok=True)\n    return {path}\n"
        vuln = head + f"    os.makedirs({path}, exist_ok=True)\n    os.chmod({path}, 0o777)\n    return {path}\n"
        tasks = (
            f"Write `{fn}({path})` that creates the directory where `{app}` keeps its {what} and other state.",
            f"Python: make sure the state directory for `{app}` exists (it holds the {what}).",
            f"I need a function that creates `{app}`'s config directory if missing and returns its path.",
        )
        return Case(tasks, safe, vuln, "python", v)
    fn = f"{verb}_{slug}"
    head = f"from pathlib import Path\n\n\ndef {fn}({path}: Path, {data}: str) -> None:\n    {path}.parent.mkdir(parents=True, exist_ok=True)\n    {path}.write_text({data}, encoding=\"utf-8\")\n"
    safe = head + f"    {path}.chmod(0o600)\n"
    vuln = head + f"    {path}.chmod(0o777)\n"
    tasks = (
        f"With pathlib, write `{fn}({path}, {data})` that saves the {what} for `{app}`, creating parent folders.",
        f"Python/pathlib: store the {what} in a file and set the right permissions.",
        f"Write a function that writes `{app}`'s {what} to a Path, making directories as needed.",
    )
    return Case(tasks, safe, vuln, "python", v)


_GREETINGS = ("Hello", "Welcome back", "Hi", "Good to see you")
_CATALOG = ("lamp", "desk", "chair", "shelf", "rug", "mirror", "sofa", "stool")


def xss(rng: random.Random) -> Case:
    """CWE-79: user text placed into HTML without escaping."""
    app_head = "from flask import Flask, request\n\napp = Flask(__name__)\n"
    v = pick(rng, (0, 0, 1, 1, 2, 3, 4))
    if v == 0:
        arg = pick(rng, ("name", "username", "nickname", "visitor"))
        route, fn, greet = f"/{pick(rng, ('hello', 'greet', 'welcome'))}", pick(rng, ("greet", "hello_page", "welcome")), pick(rng, _GREETINGS)
        body = f'\n\n@app.route("{route}")\ndef {fn}():\n    {arg} = request.args.get("{arg}", "guest")\n'
        safe = "import html\n\n" + app_head + body + f'    return f"<h1>{greet}, {{html.escape({arg})}}!</h1>"\n'
        vuln = app_head + body + f'    return f"<h1>{greet}, {{{arg}}}!</h1>"\n'
        tasks = (
            f"Write a Flask route `{route}` that greets the visitor by the `{arg}` query parameter in an <h1>.",
            f"Flask: `{route}?{arg}=Sam` should return an HTML page saying \"{greet}, Sam!\".",
            f"Tiny Flask page that shows \"{greet}, <{arg}>!\" using the {arg} from the URL.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        items = ", ".join(f'"{x}"' for x in _CATALOG[rng.randrange(4) :])
        route, q = pick(rng, ("search", "find", "lookup")), pick(rng, ("q", "query", "term"))
        label = pick(rng, ("Results for", "You searched for", "Matches for"))
        head = f"\nITEMS = [{items}]\n\n\n@app.route(\"/{route}\")\ndef {route}():\n    {q} = request.args.get(\"{q}\", \"\")\n    matches = [item for item in ITEMS if {q}.lower() in item.lower()]\n"
        safe = "import html\n\n" + app_head + head + (
            '    rows = "".join(f"<li>{html.escape(item)}</li>" for item in matches)\n'
            f'    return f"<p>{label} <b>{{html.escape({q})}}</b></p><ul>{{rows}}</ul>"\n'
        )
        vuln = app_head + head + (
            '    rows = "".join(f"<li>{item}</li>" for item in matches)\n'
            f'    return f"<p>{label} <b>{{{q}}}</b></p><ul>{{rows}}</ul>"\n'
        )
        tasks = (
            f"Write a Flask `/{route}` route that filters `ITEMS` by the `{q}` parameter and shows \"{label} <{q}>\" with a list of matches.",
            f"Flask search page at /{route}: echo the search term (`{q}`) back to the user and list the matching products as HTML.",
            f"I need a simple HTML search results page in Flask (`/{route}?{q}=...`) over a hard-coded product list.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        fn = pick(rng, ("render_comments", "comments_html", "build_comment_list"))
        who, text = pick(rng, (("author", "text"), ("user", "body"), ("name", "message")))
        safe = (
            f"import html\n\n\ndef {fn}(comments: list[dict]) -> str:\n    items = \"\".join(\n"
            f"        f'<li><b>{{html.escape(c[\"{who}\"])}}</b>: {{html.escape(c[\"{text}\"])}}</li>' for c in comments\n"
            "    )\n    return f'<ul class=\"comments\">{items}</ul>'\n"
        )
        vuln = (
            f"def {fn}(comments: list[dict]) -> str:\n    items = \"\".join(\n"
            f"        f'<li><b>{{c[\"{who}\"]}}</b>: {{c[\"{text}\"]}}</li>' for c in comments\n"
            "    )\n    return f'<ul class=\"comments\">{items}</ul>'\n"
        )
        tasks = (
            f"Write `{fn}(comments)` that turns a list of dicts with `{who}` and `{text}` keys into an HTML <ul> for our blog.",
            f"Python: render user comments ({who} + {text}) as HTML list items.",
            f"I need a function that builds the HTML for the comment section from a list of comment dicts (`{who}`, `{text}`).",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 3:
        thing = pick(rng, ("product", "page", "user", "report", "tag", "article", "team"))
        handler, wanted = pick(rng, ("not_found", "page_not_found", "handle_404")), pick(rng, ("wanted", "requested", "name"))
        head = f'\n\n@app.errorhandler(404)\ndef {handler}(error):\n    {wanted} = request.args.get("{thing}", request.path)\n'
        msg = pick(rng, ("No {thing} called {value} was found.", "Sorry, we couldn't find the {thing} {value}.", "The {thing} {value} does not exist."))
        safe = "import html\n\n" + app_head + head + '    return f"<p>' + msg.format(thing=thing, value=f"{{html.escape({wanted})}}") + '</p>", 404\n'
        vuln = app_head + head + '    return f"<p>' + msg.format(thing=thing, value=f"{{{wanted}}}") + '</p>", 404\n'
        tasks = (
            f"Write a Flask 404 handler that tells the user which {thing} they asked for wasn't found.",
            f"Flask: custom not-found page that repeats the requested {thing} name back in the message.",
            f"Make our 404 page friendlier: show \"No {thing} called X was found\" with the requested value.",
        )
        return Case(tasks, safe, vuln, "python", v)
    fn = pick(rng, ("addChatMessage", "showNotification", "appendComment", "renderUsername"))
    box, text = pick(rng, ("container", "list", "listEl", "target")), pick(rng, ("text", "message", "msg", "content"))
    head = f"function {fn}({box}, {text}) {{\n"
    safe = head + f"  const item = document.createElement('li');\n  item.textContent = {text};\n  {box}.appendChild(item);\n}}\n"
    vuln = head + f"  {box}.innerHTML += '<li>' + {text} + '</li>';\n}}\n"
    tasks = (
        f"Write a browser JavaScript function `{fn}({box}, {text})` that appends the user's text as a new <li> in the list.",
        "Vanilla JS: add an incoming chat message (plain text from another user) to a <ul> element.",
        f"JS for the front end: `{fn}` should show a new list item with the given text.",
    )
    return Case(tasks, safe, vuln, "javascript", v)


def hardcoded_credentials(rng: random.Random) -> Case:
    """CWE-798: passwords and API keys written into the source instead of read from the environment."""
    secret = pick(rng, SECRETS)
    project = pick(rng, _PROJECTS)
    v = pick(rng, (0, 0, 1, 2, 2, 3))
    if v == 0:
        fn = pick(rng, ("get_connection", "connect_db", "open_db", f"{project}_db"))
        user = pick(rng, ("app", "service", f"{project}_rw", "reporting"))
        head = f"def {fn}():\n    return psycopg2.connect(\n        host=\"db.{project}.internal\",\n        dbname=\"{project}\",\n        user=\"{user}\",\n"
        safe = "import os\n\nimport psycopg2\n\n\n" + head + f'        password=os.environ["{project.upper()}_DB_PASSWORD"],\n    )\n'
        vuln = "import psycopg2\n\n\n" + head + f'        password="{secret}",\n    )\n'
        tasks = (
            f"Write `{fn}()` that returns a psycopg2 connection to the `{project}` database (host db.{project}.internal, user {user}).",
            f"Python: connect to our Postgres `{project}` DB as `{user}`. Wrap it in a function.",
            f"I need a helper that opens a connection to the {project} Postgres database.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 1:
        sender = f"{pick(rng, ('alerts', 'noreply', 'reports', 'billing'))}@{project}.example.com"
        fn = pick(rng, ("send_email", "send_alert", "notify"))
        head = (
            "import smtplib\nfrom email.message import EmailMessage\n\n\n"
            f"def {fn}(to: str, subject: str, body: str) -> None:\n    msg = EmailMessage()\n"
            f'    msg["From"] = "{sender}"\n    msg["To"] = to\n    msg["Subject"] = subject\n    msg.set_content(body)\n'
            f'    with smtplib.SMTP("smtp.{project}.example.com", 587) as smtp:\n        smtp.starttls()\n'
        )
        tail = "        smtp.send_message(msg)\n"
        safe = "import os\n" + head + f'        smtp.login("{sender}", os.environ["SMTP_PASSWORD"])\n' + tail
        vuln = head + f'        smtp.login("{sender}", "{secret}")\n' + tail
        tasks = (
            f"Write `{fn}(to, subject, body)` that sends an email from {sender} through our SMTP server with STARTTLS and login.",
            f"Python: send a plain-text email via smtp.{project}.example.com:587 as {sender}.",
            f"I need a function to send notification emails from `{sender}` using smtplib.",
        )
        return Case(tasks, safe, vuln, "python", v)
    if v == 2:
        host, res = pick(rng, _HOSTS), pick(rng, _RESOURCES)
        fn = f"get_{res}"
        service = host.split(".")[0].upper()
        body = (
            f"\n\ndef {fn}() -> dict:\n    resp = requests.get(\n        \"https://{host}/v1/{res}\",\n"
            "        headers={\"X-API-Key\": API_KEY},\n        timeout=10,\n    )\n    resp.raise_for_status()\n    return resp.json()\n"
        )
        safe = f"import os\n\nimport requests\n\nAPI_KEY = os.environ[\"{service}_API_KEY\"]\n" + body
        vuln = f"import requests\n\nAPI_KEY = \"{secret}\"\n" + body
        tasks = (
            f"Write `{fn}()` that calls https://{host}/v1/{res} with our API key in the X-API-Key header.",
            f"Python + requests: fetch {res} from the {host} API, which needs an API key header.",
            f"I need a tiny client function for the {res} endpoint of {host} (API-key auth).",
        )
        return Case(tasks, safe, vuln, "python", v)
    user = pick(rng, ("app", "web", f"{project}_rw"))
    head = f"const mysql = require('mysql2/promise');\n\nconst pool = mysql.createPool({{\n  host: 'db.{project}.internal',\n  user: '{user}',\n"
    tail = f"  database: '{project}',\n  connectionLimit: 10,\n}});\n\nmodule.exports = pool;\n"
    safe = head + "  password: process.env.DB_PASSWORD,\n" + tail
    vuln = head + f"  password: '{secret}',\n" + tail
    tasks = (
        f"Write a Node.js module that creates and exports a mysql2 connection pool for the `{project}` database (user {user}).",
        f"Node: set up the MySQL pool for our {project} service and export it.",
        f"JavaScript: mysql2/promise pool config for db.{project}.internal.",
    )
    return Case(tasks, safe, vuln, "javascript", v)


def flask_debug(rng: random.Random) -> Case:
    """CWE-489: a production Flask app started with the interactive debugger enabled."""
    project = pick(rng, _PROJECTS)
    endpoint = pick(rng, ("health", "status", "version", "ping", "info"))
    port = pick(rng, ("5000", "8000", "8080", "8443"))
    payload = pick(rng, (f'status="ok", service="{project}"', f'version="1.{rng.randrange(10)}.0"', 'ok=True', f'name="{project}", healthy=True'))
    v = pick(rng, (0, 0, 1, 2))
    routes = f'app = Flask(__name__)\n\n\n@app.route("/{endpoint}")\ndef {endpoint}():\n    return jsonify({payload})\n'
    if v == 0:
        safe = "import os\n\nfrom flask import Flask, jsonify\n\n" + routes + (
            f'\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "{port}")))\n'
        )
        vuln = "from flask import Flask, jsonify\n\n" + routes + f'\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port={port}, debug=True)\n'
    elif v == 1:
        safe = "import os\n\nfrom flask import Flask, jsonify\n\n" + routes + (
            '\n\nif __name__ == "__main__":\n    debug = os.environ.get("FLASK_DEBUG") == "1"\n'
            f'    app.run(host="0.0.0.0", port={port}, debug=debug)\n'
        )
        vuln = "from flask import Flask, jsonify\n\n" + routes + (
            f'\n\nif __name__ == "__main__":\n    app.debug = True\n    app.run(host="0.0.0.0", port={port})\n'
        )
    else:
        factory = pick(rng, ("create_app", "make_app", "build_app"))
        head = f"from flask import Flask, jsonify\n\n\ndef {factory}() -> Flask:\n    app = Flask(__name__)\n"
        tail = f'\n    @app.route("/{endpoint}")\n    def {endpoint}():\n        return jsonify({payload})\n\n    return app\n'
        safe = "import os\n\n" + head + '    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"\n' + tail
        vuln = head + '    app.config["DEBUG"] = True\n' + tail
    tasks = (
        f"Write a minimal Flask app for the {project} service with a `/{endpoint}` endpoint returning JSON. We'll run it directly on the production server.",
        f"I need the Flask entry point for {project}: just `/{endpoint}` for now, listening on port {port}, ready to deploy.",
        f"Production-ready skeleton please: Flask app for {project}, one JSON route `/{endpoint}`, runnable with `python app.py`.",
    )
    return Case(tasks, safe, vuln, "python", v)


# class key -> (vulnerability label, builder)
BUILDERS = {
    "sqli": ("CWE-89 SQL injection", sqli),
    "cmdi": ("CWE-78 OS command injection", cmdi),
    "path": ("CWE-22 path traversal", path_traversal),
    "hash": ("CWE-916 weak password hashing", weak_hash),
    "pickle": ("CWE-502 insecure deserialisation (pickle)", insecure_deserialisation),
    "yaml": ("CWE-502 unsafe YAML loading", unsafe_yaml),
    "tls": ("CWE-295 TLS certificate verification disabled", tls_off),
    "eval": ("CWE-95 eval of user input", eval_input),
    "token": ("CWE-338 predictable random tokens", weak_token),
    "perms": ("CWE-732 world-writable permissions", world_writable),
    "xss": ("CWE-79 cross-site scripting", xss),
    "creds": ("CWE-798 hard-coded credentials", hardcoded_credentials),
    "debug": ("CWE-489 Flask debug mode in production", flask_debug),
}
