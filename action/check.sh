#!/usr/bin/env bash
# The check step of action.yml. Inputs arrive as environment variables (never pasted into the
# script, so a path cannot inject commands), one path per line, so names with spaces or
# Chinese characters pass through untouched. Exit code: jiceng check's (0 / 1 errors / 2).
set -uo pipefail

paths=()
while IFS= read -r line; do
  line="${line%$'\r'}"
  [ -n "${line//[[:space:]]/}" ] && paths+=("$line")
done <<< "${JICENG_PATHS:-.}"
[ ${#paths[@]} -eq 0 ] && paths=(".")

options=()
while IFS= read -r line; do
  line="${line%$'\r'}"
  [ -n "${line//[[:space:]]/}" ] && options+=(--spec "$line")
done <<< "${JICENG_SPEC:-}"
[ -n "${JICENG_AS_OF:-}" ] && options+=(--as-of "$JICENG_AS_OF")

if [ -n "${JICENG_SARIF:-}" ]; then
  rm -f -- "$JICENG_SARIF"
  jiceng check "${paths[@]}" "${options[@]}" --format sarif --output "$JICENG_SARIF"
  if [ ! -s "$JICENG_SARIF" ]; then
    echo "::error::未能写出 SARIF 报告 $JICENG_SARIF"
    exit 2
  fi
fi

jiceng check "${paths[@]}" "${options[@]}" --format github
code=$?
case $code in
  0) echo "jiceng：没有发现错误" ;;
  1) echo "jiceng：发现错误（见上方注释）" ;;
  *) echo "jiceng：有文件无法读取，或用法有误（退出码 $code）" ;;
esac
exit $code
