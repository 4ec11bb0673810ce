#!/usr/bin/env bash
# The steps of pricegen's GitHub Action (action.yml), one subcommand each, so that
# tests/test_action.py can run them outside GitHub exactly as the runner does.
#
#   pricegen-action.sh install | validate | generate-check | diff | snapshots
#
# Inputs come as environment variables (never spliced into this script's text):
#   PRICEGEN_ACTION_PATH     the action's checkout (install pricegen from it)
#   PRICEGEN_CATALOG         catalog path; empty: [tool.pricegen] catalog, else pricing
#   PRICEGEN_OUT             generated outputs; empty: [tool.pricegen] out
#   PRICEGEN_CHECK_GENERATED true or false
#   PRICEGEN_BASE_REF        branch to diff against; empty: GITHUB_BASE_REF (pull requests)
#   PRICEGEN_FAIL_ON         diff --fail-on class; empty: never fail on changes
#   PRICEGEN_SARIF_FILE      also write validate's diagnostics as SARIF here; empty: no
#   PRICEGEN_SNAPSHOT_TESTS  pytest arguments for the quote snapshot tests; empty: skip
# and GitHub's own: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_BASE_REF, RUNNER_TEMP.
set -euo pipefail

catalog_args=()
[ -n "${PRICEGEN_CATALOG:-}" ] && catalog_args=("$PRICEGEN_CATALOG")

output() {  # name value: a step output, when running under Actions
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}

install() {
  local packages=("${PRICEGEN_ACTION_PATH:?the action path}")
  [ -n "${PRICEGEN_SNAPSHOT_TESTS:-}" ] && packages+=(pytest syrupy)
  python -m pip install --quiet --disable-pip-version-check "${packages[@]}"
  pricegen --version
}

validate() {
  if [ -n "${PRICEGEN_SARIF_FILE:-}" ]; then
    pricegen validate "${catalog_args[@]}" --error-format sarif >"$PRICEGEN_SARIF_FILE" || true
    output sarif-file "$PRICEGEN_SARIF_FILE"
  fi
  pricegen validate "${catalog_args[@]}" --error-format github
}

generate_check() {
  if [ "${PRICEGEN_CHECK_GENERATED:-true}" != true ]; then
    echo "generate --check: skipped (check-generated is ${PRICEGEN_CHECK_GENERATED})"
    return 0
  fi
  local out_args=()
  [ -n "${PRICEGEN_OUT:-}" ] && out_args=(-o "$PRICEGEN_OUT")
  pricegen generate "${catalog_args[@]}" "${out_args[@]}" --check --diff
}

diff_base() {
  local base="${PRICEGEN_BASE_REF:-${GITHUB_BASE_REF:-}}"
  if [ -z "$base" ]; then
    echo "diff: skipped (no base branch: not a pull request and no base-ref input)"
    return 0
  fi
  local ref="origin/$base"
  if ! git rev-parse --verify --quiet "$ref^{commit}" >/dev/null; then
    git fetch --no-tags --depth=1 origin "+refs/heads/$base:refs/remotes/origin/$base"
  fi
  local file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pricegen-diff.md"
  local fail_args=()
  [ -n "${PRICEGEN_FAIL_ON:-}" ] && fail_args=(--fail-on "$PRICEGEN_FAIL_ON")
  local status=0
  pricegen diff "${catalog_args[@]}" --against "$ref" --output-format markdown \
    "${fail_args[@]}" >"$file" || status=$?
  if [ "$status" -gt 1 ]; then
    return "$status"  # a usage or catalog error, already reported
  fi
  cat "$file"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$file" >>"$GITHUB_STEP_SUMMARY"; fi
  output markdown-file "$file"
  return "$status"
}

snapshots() {
  if [ -z "${PRICEGEN_SNAPSHOT_TESTS:-}" ]; then
    echo "snapshot tests: skipped (no snapshot-tests input)"
    return 0
  fi
  # The input is pytest's arguments, split on spaces as a shell would.
  read -r -a args <<<"$PRICEGEN_SNAPSHOT_TESTS"
  python -m pytest "${args[@]}"
}

case "${1:-}" in
  install) install ;;
  validate) validate ;;
  generate-check) generate_check ;;
  diff) diff_base ;;
  snapshots) snapshots ;;
  *) echo "usage: $0 install|validate|generate-check|diff|snapshots" >&2; exit 2 ;;
esac
