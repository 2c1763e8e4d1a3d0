#!/usr/bin/env bash
# Issued notices are also kept as signed PDFs, made by LibreOffice headless from
# Debian's packages. The notices name the fonts of Chinese Word (仿宋 body, 黑体 titles,
# 宋体 filled-in text); fontconfig maps them to Simplified-Chinese faces from these
# packages (scripts/fontconfig/65-wuye-notice-fonts.conf), so the PDF looks like the
# .docx. Installs what is missing; safe to run again.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming
  fonts-wqy-zenhei fontconfig)
FONT_CONF="$HERE/fontconfig/65-wuye-notice-fonts.conf"

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "[libreoffice] missing: ${missing[*]}; install them with apt-get;" \
      "notices are issued without a PDF (or with other fonts) until then" >&2
  else
    echo "[libreoffice] installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q && apt-get install -y -q "${missing[@]}" >/dev/null; }
  fi
fi

# The font aliases: system-wide as root, otherwise for this user.
if [[ $(id -u) -eq 0 ]]; then
  target=/etc/fonts/conf.d/65-wuye-notice-fonts.conf
else
  target="${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d/65-wuye-notice-fonts.conf"
fi
if ! cmp -s "$FONT_CONF" "$target" 2>/dev/null; then
  mkdir -p "$(dirname "$target")"
  cp "$FONT_CONF" "$target"
  command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1 || true
  echo "[libreoffice] font aliases for notices: $target"
fi
