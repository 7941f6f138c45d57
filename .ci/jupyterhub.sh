#!/usr/bin/env bash
# CI: a real JupyterHub on this machine for tests/test_jupyterhub.py, with the configuration of
# docs/jupyterhub/ used unchanged (docs/jupyterhub.md is the set-up for a course).
#
#   bash .ci/jupyterhub.sh        set up afresh and (re)start the hub on http://127.0.0.1:8000
#   bash .ci/jupyterhub.sh stop   stop the hub this script started (and its proxy and users' servers)
#
# Needs root. Makes the hub's environment /opt/kit-hub (a venv with requirements.txt and the kit's
# engine installed as a package: software only, no lesson, since every user's server runs from it;
# kept while requirements.txt and the engine are unchanged); installs Debian's nodejs and npm when
# node is missing, and the hub's proxy, configurable-http-proxy, from the npm registry; copies
# docs/jupyterhub/ unchanged to /etc/jupyterhub/, where the hub and every user's server read it.
# Makes the Unix groups dlf-instructors and dlf-students and three system users in them
# (instructor; alice and carol), each with a new random password and an empty home of mode 700
# (users this script made before are emptied, others of those names are refused); puts the course
# (this repository's layout: source, release, hidden_tests, solutions, autograder,
# nbgrader_config.py) in /home/instructor/course with the instructor's nbgrader_config.py and the
# class list in its gradebook; makes the exchange /srv/nbgrader/exchange (mode 1777: the 777 nbgrader
# documents, sticky) empty; disables formgrader and create-assignment in the students' servers. The
# passwords and the hub's address go to /srv/jupyterhub/test-users.json (mode 600), which the test
# reads. All but the environment is made anew on each run, so that the test sees a course that
# has not started.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
HUB_ENV=/opt/kit-hub              # as docs/jupyterhub.md says
STATE=/srv/jupyterhub             # the hub's working folder: its database, cookie secret, log
EXCHANGE=/srv/nbgrader/exchange   # as docs/jupyterhub/nbgrader_config.py says
CONFIG=/etc/jupyterhub            # docs/jupyterhub/, copied
CHP_VERSION=4.6.3                 # configurable-http-proxy; 5.x needs node 20, Debian 12 has 18
URL=http://127.0.0.1:8000         # as docs/jupyterhub/jupyterhub_config.py says
INSTRUCTOR=instructor
STUDENTS=(alice carol)
MARK="kit JupyterHub CI user"     # the GECOS field of the users this script makes

say() { echo "jupyterhub.sh: $*" >&2; }

stop_hub() {
  [ -s "$STATE/jupyterhub.pid" ] || return 0
  pid=$(cat "$STATE/jupyterhub.pid")
  if kill -0 "$pid" 2>/dev/null; then
    # SIGTERM: the hub stops the users' servers and the proxy it started, then exits
    kill -TERM "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    # what is left of its process group (started with setsid) goes too
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/jupyterhub.pid"
  # the proxy runs in a process group of its own: where the hub could not stop it (killed), its pid
  # file is still there
  if [ -s "$STATE/jupyterhub-proxy.pid" ]; then
    pid=$(cat "$STATE/jupyterhub-proxy.pid")
    if grep -qa configurable-http-proxy "/proc/$pid/cmdline" 2>/dev/null; then kill -TERM "$pid"; fi
    rm -f "$STATE/jupyterhub-proxy.pid"
  fi
}

if [ "${1:-}" = stop ]; then stop_hub; exit 0; fi
[ "$(id -u)" = 0 ] || { say "needs root (system users, a hub that starts servers as them)"; exit 1; }
stop_hub
rm -f "$STATE/test-users.json"

# The hub's environment, remade when requirements.txt or the engine changed (a minute, from pip's cache)
stamp=$(cat requirements.txt pyproject.toml <(git ls-files -s autograder) | sha256sum | cut -c1-16)
if [ "$(cat "$HUB_ENV/.kit-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "making $HUB_ENV (requirements.txt and the kit's engine)"
  rm -rf "$HUB_ENV"
  python3 -m venv "$HUB_ENV"
  "$HUB_ENV/bin/pip" install -q --disable-pip-version-check -r requirements.txt 2>&1 | grep -v "^WARNING: Location" >&2 || true
  "$HUB_ENV/bin/pip" install -q --disable-pip-version-check --no-deps . 2>&1 | grep -v "^WARNING: Location" >&2 || true
  "$HUB_ENV/bin/pip" uninstall -q -y --disable-pip-version-check rfc3987-syntax 2>/dev/null || true  # as ./kit setup
  "$HUB_ENV/bin/python" -c "import jupyterhub, nbgrader, torch, autograder.nbgrader.preprocessors" ||
    { say "$HUB_ENV is incomplete"; exit 1; }
  echo "$stamp" > "$HUB_ENV/.kit-stamp"
fi

# The hub's configuration, as the page says: docs/jupyterhub/ in /etc/jupyterhub, unchanged
install -d -m 755 "$CONFIG"
for file in docs/jupyterhub/*.py; do
  install -m 644 "$file" "$CONFIG/"
  cmp -s "$file" "$CONFIG/$(basename "$file")"
done

# Node from Debian, the proxy from the npm registry
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Debian's nodejs and npm"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
fi
if [ "$(configurable-http-proxy --version 2>/dev/null || true)" != "$CHP_VERSION" ]; then
  say "installing configurable-http-proxy $CHP_VERSION from npm"
  npm install -g --no-fund --no-audit --loglevel=error "configurable-http-proxy@$CHP_VERSION" >&2
fi

# Every user reaches (not reads) the folders above Python: their servers run the hub's environment,
# whose interpreter is this machine's Python.
top=$("$HUB_ENV/bin/python" -c 'import sys, os; print(os.path.realpath(sys.base_prefix))')
while [ "$top" != / ]; do chmod o+x "$top"; top=$(dirname "$top"); done

# Groups, users, passwords, empty homes
getent group dlf-instructors >/dev/null || groupadd dlf-instructors
getent group dlf-students >/dev/null || groupadd dlf-students
declare -A PASSWORDS
make_user() {  # name group
  local name=$1 group=$2
  if id -u "$name" >/dev/null 2>&1; then
    [ "$(getent passwd "$name" | cut -d: -f5)" = "$MARK" ] || {
      say "a user '$name' exists that this script did not make: refusing to empty its home"; exit 1; }
  else
    useradd --comment "$MARK" --shell /bin/bash --no-create-home --home-dir "/home/$name" "$name"
  fi
  usermod -a -G "$group" "$name"
  rm -rf "/home/$name"
  install -d -m 700 -o "$name" -g "$name" "/home/$name"
  PASSWORDS[$name]=$("$HUB_ENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(18))')
  echo "$name:${PASSWORDS[$name]}" | chpasswd
  # no news or update pop-ups over the lab (JupyterLab's user settings)
  local settings="/home/$name/.jupyter/lab/user-settings/@jupyterlab/apputils-extension"
  mkdir -p "$settings"
  echo '{"checkForUpdates": false, "fetchNews": "false"}' > "$settings/notification.jupyterlab-settings"
  chown -R "$name:$name" "/home/$name/.jupyter"
}
make_user "$INSTRUCTOR" dlf-instructors
for student in "${STUDENTS[@]}"; do make_user "$student" dlf-students; done
# The kit's sandbox runs each notebook as a uid of the instructor's own (newuidmap): Debian's useradd
# gives a regular user subordinate ids; make sure.
grep -q "^$INSTRUCTOR:" /etc/subuid 2>/dev/null || usermod --add-subuids 2100065536-2100131071 "$INSTRUCTOR"
grep -q "^$INSTRUCTOR:" /etc/subgid 2>/dev/null || usermod --add-subgids 2100065536-2100131071 "$INSTRUCTOR"

as_user() { local name=$1; shift; runuser -u "$name" -- env HOME="/home/$name" PATH="$HUB_ENV/bin:/usr/bin:/bin" "$@"; }

# The course in the instructor's home, and where it is for nbgrader
course=/home/$INSTRUCTOR/course
as_user "$INSTRUCTOR" mkdir -p "$course" "/home/$INSTRUCTOR/.jupyter"
for name in source release autograder hidden_tests solutions nbgrader_config.py; do
  cp -r "$REPO/$name" "$course/"
done
find "$course" -name __pycache__ -prune -exec rm -rf {} +
cp "$CONFIG/instructor_nbgrader_config.py" "/home/$INSTRUCTOR/.jupyter/nbgrader_config.py"
chown -R "$INSTRUCTOR:$INSTRUCTOR" "$course" "/home/$INSTRUCTOR/.jupyter"

# The class list in the course's gradebook (names for formgrader), as an instructor imports it
printf 'id,first_name,last_name\n' > "$course/students.csv"
for student in "${STUDENTS[@]}"; do printf '%s,%s,Student\n' "$student" "${student^}" >> "$course/students.csv"; done
chown "$INSTRUCTOR:$INSTRUCTOR" "$course/students.csv"
(cd "$course" && as_user "$INSTRUCTOR" nbgrader db student import students.csv --log-level=ERROR >&2)

# Students: the Assignment List and Validate; no formgrader, no create-assignment toolbar
for student in "${STUDENTS[@]}"; do
  # (what `jupyter server extension disable --user` would write; that command refuses formgrader,
  # whose extension point is registered under nbgrader's name)
  echo '{"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": false}}}' |
    as_user "$student" tee "/home/$student/.jupyter/jupyter_server_config.json" >/dev/null
  for plugin in formgrader create-assignment; do
    as_user "$student" jupyter labextension disable --level=user "@jupyter/nbgrader:$plugin" >&2
    as_user "$student" jupyter labextension lock --level=user "@jupyter/nbgrader:$plugin" >&2
  done
done

# The exchange, empty
rm -rf "$EXCHANGE"
install -d -m 1777 "$EXCHANGE"  # sticky: no student renames the course folder in it

# The hub
install -d -m 700 "$STATE"
rm -f "$STATE/jupyterhub.sqlite" "$STATE/jupyterhub_cookie_secret" "$STATE/jupyterhub-proxy.pid"
if "$HUB_ENV/bin/python" -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", 8000)) != 0)'; then
  say "something else listens on 127.0.0.1:8000 (the hub's port in docs/jupyterhub/jupyterhub_config.py)"; exit 1
fi
cd "$STATE"
setsid "$HUB_ENV/bin/jupyterhub" -f "$CONFIG/jupyterhub_config.py" >"$STATE/jupyterhub.log" 2>&1 </dev/null &
echo $! > "$STATE/jupyterhub.pid"
hub_answers() { "$HUB_ENV/bin/python" -c "import urllib.request; urllib.request.urlopen('$URL/hub/api', timeout=5)" 2>/dev/null; }
for _ in $(seq 120); do
  hub_answers && break
  kill -0 "$(cat "$STATE/jupyterhub.pid")" 2>/dev/null || break  # the hub exited
  sleep 1
done
if ! hub_answers; then
  say "the hub did not start; its log:"
  tail -40 "$STATE/jupyterhub.log" >&2
  exit 1
fi

# What the test needs to know (mode 600: the passwords)
for user in "$INSTRUCTOR" "${STUDENTS[@]}"; do echo "$user ${PASSWORDS[$user]}"; done |
  "$HUB_ENV/bin/python" -c 'import json, sys
url, instructor, exchange, course, *students = sys.argv[1:]
print(json.dumps({"url": url, "instructor": instructor, "students": students, "exchange": exchange,
                  "course": course, "passwords": dict(line.split() for line in sys.stdin)}))' \
    "$URL" "$INSTRUCTOR" "$EXCHANGE" "$course" "${STUDENTS[@]}" > "$STATE/test-users.json.new"
chmod 600 "$STATE/test-users.json.new" && mv "$STATE/test-users.json.new" "$STATE/test-users.json"
say "the hub answers at $URL (log: $STATE/jupyterhub.log)"
