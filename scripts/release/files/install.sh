#!/bin/sh
# install.sh: installs this Vigía release (vigia-edge or vigia-server, see RELEASE) on Debian
# 12/13 or Raspberry Pi OS 64-bit, with no network. Run it from the unpacked release folder.
#
#   sudo ./install.sh               install, or upgrade (switches the `current` link; config and data stay)
#   sudo ./install.sh --rollback    go back to the version installed before
#   sudo ./install.sh --uninstall   remove the program; config (/etc/vigia) and data (/var/lib/vigia) stay
#   sudo ./install.sh --purge       remove the program, its config and its data
#   ./install.sh --root DIR ...     test mode: everything under DIR, no user, no chown, no systemctl
#
# Layout: /opt/<product>/<version>/ (this folder), /opt/<product>/current -> <version>,
# /opt/<product>/previous -> the version before, /usr/local/bin/<command> -> ../../../opt/<product>/current/bin/<command>,
# /etc/systemd/system/<product>.service, /etc/vigia/<config>.yaml (never overwritten),
# /var/lib/vigia/<edge|server>/ (the data). Running it twice changes nothing the second time.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd -P)
if [ ! -f "$HERE/RELEASE" ]; then
  echo "install.sh: $HERE/RELEASE is missing: run install.sh from the unpacked release folder" >&2
  echo "install.sh: falta $HERE/RELEASE: ejecute install.sh desde la carpeta de la versión descomprimida" >&2
  exit 2
fi
. "$HERE/RELEASE"

ROOT=""
ACTION=install
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || { echo "install.sh: --root needs a folder" >&2; exit 2; }; mkdir -p "$2"; ROOT=$(cd "$2" && pwd -P); shift ;;
    --rollback) ACTION=rollback ;;
    --uninstall) ACTION=uninstall ;;
    --purge) ACTION=purge ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see ./install.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

case "$PRODUCT" in
  vigia-edge) SHORT=edge; COMMANDS="vigia-edge vigia-config" ;;
  vigia-server) SHORT=server; COMMANDS="vigia-server" ;;
  *) echo "install.sh: unknown product $PRODUCT in RELEASE" >&2; exit 2 ;;
esac
OPT="$ROOT/opt/$PRODUCT"
ETC="$ROOT/etc/vigia"
DATA="$ROOT/var/lib/vigia/$SHORT"
BIN="$ROOT/usr/local/bin"
UNITS="$ROOT/etc/systemd/system"
CONFIG="$ETC/$SHORT.yaml"

say() { printf '%s\n' "$*"; }
fail() {
  printf 'install.sh: %s\n' "$1" >&2
  printf 'install.sh: %s\n' "$2" >&2
  exit 1
}
# systemctl and user management only on a real install (not under --root).
real() { [ -z "$ROOT" ]; }
have_systemd() { real && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

if real && [ "$(id -u)" -ne 0 ]; then
  fail "run it as root: sudo ./install.sh (or --root DIR to try it without root)" \
    "ejecútelo como root: sudo ./install.sh (o --root DIR para probarlo sin root)"
fi

check_arch() {
  case "$(uname -m)" in
    aarch64 | arm64) machine=arm64 ;;
    x86_64 | amd64) machine=x64 ;;
    armv6l | armv7l | armhf)
      fail "this is a 32-bit system ($(uname -m)): Vigía needs the 64-bit Raspberry Pi OS; flash it (README.md, docs/install-pi.md step 1)" \
        "este es un sistema de 32 bits ($(uname -m)): Vigía necesita Raspberry Pi OS de 64 bits; grábelo (README.md, docs/install-pi.md paso 1)"
      ;;
    *) machine=$(uname -m) ;;
  esac
  if [ "$machine" != "$ARCH" ]; then
    fail "this release is for linux-$ARCH but this machine is $machine: use the $PRODUCT-$VERSION-linux-$machine.tar.gz file" \
      "esta versión es para linux-$ARCH pero esta máquina es $machine: use el archivo $PRODUCT-$VERSION-linux-$machine.tar.gz"
  fi
}

# Atomic switch of a symlink: a new link renamed over the old one (rename(2)).
switch_link() { # target link
  ln -sfn "$1" "$2.new.$$"
  mv -Tf "$2.new.$$" "$2"
}

link_target() { if [ -L "$1" ]; then readlink "$1"; fi; }

do_install() {
  check_arch
  if real; then
    if ! id vigia >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/vigia --no-create-home --shell /usr/sbin/nologin vigia
    fi
    if [ "$SHORT" = edge ]; then usermod -a -G dialout vigia; fi
  fi
  mkdir -p "$OPT" "$ETC" "$DATA" "$BIN" "$UNITS"

  # The release folder, copied whole (unless this is it), then the `current` switch.
  dest="$OPT/$VERSION"
  if [ "$(cd "$dest" 2>/dev/null && pwd -P)" != "$HERE" ]; then
    rm -rf "$dest.new.$$"
    cp -a "$HERE" "$dest.new.$$"
    rm -rf "$dest"
    mv "$dest.new.$$" "$dest"
  fi
  old=$(link_target "$OPT/current")
  if [ "$old" != "$VERSION" ]; then
    if [ -n "$old" ]; then switch_link "$old" "$OPT/previous"; fi
    switch_link "$VERSION" "$OPT/current"
  fi
  # Relative links: the same under --root, and in a chroot.
  for c in $COMMANDS; do switch_link "../../../opt/$PRODUCT/current/bin/$c" "$BIN/$c"; done

  had_config=yes
  if [ ! -e "$CONFIG" ]; then
    had_config=no
    cp "$HERE/examples/$SHORT.yaml" "$CONFIG"
  fi
  if real; then
    chown root:vigia "$ETC"
    chmod 2770 "$ETC"
    chown vigia:vigia "$CONFIG" "$DATA"
    chmod 0640 "$CONFIG"
    chmod 0750 "$DATA"
  fi

  unit_changed=no
  if ! cmp -s "$HERE/systemd/$PRODUCT.service" "$UNITS/$PRODUCT.service"; then
    cp "$HERE/systemd/$PRODUCT.service" "$UNITS/$PRODUCT.service"
    chmod 0644 "$UNITS/$PRODUCT.service"
    unit_changed=yes
  fi
  if have_systemd; then
    [ "$unit_changed" = no ] || systemctl daemon-reload
    systemctl enable "$PRODUCT" >/dev/null 2>&1
    # A new install of the agent waits for its config; anything else (re)starts now.
    if [ "$SHORT" = server ] || [ "$had_config" = yes ]; then systemctl restart "$PRODUCT"; fi
  fi
  before=""
  if [ -n "$old" ] && [ "$old" != "$VERSION" ]; then before=$old; fi
  say "$PRODUCT $VERSION installed in $OPT/$VERSION (current)${before:+; before: $before, ./install.sh --rollback returns to it}."
  say "$PRODUCT $VERSION instalado en $OPT/$VERSION (current)${before:+; antes: $before, ./install.sh --rollback vuelve a ella}."
  next_steps "$had_config"
}

do_rollback() {
  prev=$(link_target "$OPT/previous")
  cur=$(link_target "$OPT/current")
  if [ -z "$prev" ] || [ ! -d "$OPT/$prev" ]; then
    fail "nothing to roll back to: $OPT/previous does not name an installed version" \
      "no hay versión anterior: $OPT/previous no apunta a una versión instalada"
  fi
  switch_link "$prev" "$OPT/current"
  switch_link "$cur" "$OPT/previous"
  if [ -f "$OPT/$prev/systemd/$PRODUCT.service" ]; then
    cp "$OPT/$prev/systemd/$PRODUCT.service" "$UNITS/$PRODUCT.service"
  fi
  if have_systemd; then systemctl daemon-reload && systemctl restart "$PRODUCT"; fi
  say "$PRODUCT: back to $prev (was $cur; ./install.sh --rollback again returns to it). Config and data unchanged."
  say "$PRODUCT: de vuelta a $prev (era $cur; ./install.sh --rollback de nuevo vuelve a ella). Configuración y datos sin cambios."
}

do_uninstall() {
  if have_systemd; then
    systemctl disable --now "$PRODUCT" >/dev/null 2>&1 || true
  fi
  rm -f "$UNITS/$PRODUCT.service"
  if have_systemd; then systemctl daemon-reload; fi
  for c in $COMMANDS; do
    case "$(link_target "$BIN/$c")" in */opt/"$PRODUCT"/*) rm -f "$BIN/$c" ;; esac
  done
  rm -rf "$OPT"
  if [ "$ACTION" = purge ]; then
    rm -rf "$DATA"
    rm -f "$CONFIG" "$CONFIG.bak"
    if [ "$SHORT" = edge ]; then rm -f "$ETC/device.token"; fi
    rmdir "$ROOT/var/lib/vigia" "$ETC" 2>/dev/null || true
    if real && [ ! -d /opt/vigia-edge ] && [ ! -d /opt/vigia-server ] && id vigia >/dev/null 2>&1; then
      userdel vigia || true
    fi
    say "$PRODUCT removed, with its config ($CONFIG) and data ($DATA)."
    say "$PRODUCT eliminado, con su configuración ($CONFIG) y sus datos ($DATA)."
  else
    say "$PRODUCT removed. Config ($CONFIG) and data ($DATA) kept; ./install.sh --purge removes them too."
    say "$PRODUCT eliminado. Se conservan la configuración ($CONFIG) y los datos ($DATA); ./install.sh --purge también los borra."
  fi
}

next_steps() { # had_config
  if [ "$SHORT" = edge ]; then
    cat <<EOF

Siguientes pasos (español):
  1. En el servidor, registre este equipo y copie el token que imprime (última línea):
       sudo -u vigia vigia-server --config /etc/vigia/server.yaml device add plant-01 --site mi-mina
  2. Guarde el token aquí:  echo 'TOKEN' | sudo tee /etc/vigia/device.token && sudo chmod 640 /etc/vigia/device.token
  3. Edite la configuración: sudo nano $CONFIG  (id del equipo, url del servidor, sensores;
     ejemplos de cada driver en $OPT/current/examples/sensors/; la contraseña MQTT de los
     nodos va sola en /etc/vigia/node1.pw), y compruébela:
       vigia-config validate $CONFIG
  4. Arranque y compruebe:  sudo systemctl restart $PRODUCT && systemctl status $PRODUCT && vigia-config status
     Registros: journalctl -u $PRODUCT -f

Next steps (English):
  1. On the server, register this device and copy the token it prints (last line):
       sudo -u vigia vigia-server --config /etc/vigia/server.yaml device add plant-01 --site my-mine
  2. Store the token here:  echo 'TOKEN' | sudo tee /etc/vigia/device.token && sudo chmod 640 /etc/vigia/device.token
  3. Edit the config: sudo nano $CONFIG  (device id, server url, sensors; every driver's
     sample is in $OPT/current/examples/sensors/; the sensor nodes' MQTT password goes alone in
     /etc/vigia/node1.pw), and check it:
       vigia-config validate $CONFIG
  4. Start it and check:  sudo systemctl restart $PRODUCT && systemctl status $PRODUCT && vigia-config status
     Logs: journalctl -u $PRODUCT -f
EOF
  else
    cat <<EOF

Siguientes pasos (español):
  1. Configuración: $CONFIG (puerto, carpeta de datos). Tras cambiarla: sudo systemctl restart $PRODUCT
  2. Cree un usuario administrador (la contraseña se lee de la entrada):
       sudo -u vigia vigia-server --config /etc/vigia/server.yaml user add admin --role admin --password-stdin
  3. Registre cada equipo de borde; la última línea es su token (va en /etc/vigia/device.token del equipo):
       sudo -u vigia vigia-server --config /etc/vigia/server.yaml device add plant-01 --site mi-mina
  4. Compruebe: systemctl status $PRODUCT ; el tablero está en http://<esta-máquina>:8080/
     Registros: journalctl -u $PRODUCT -f

Next steps (English):
  1. Config: $CONFIG (port, data folder). After a change: sudo systemctl restart $PRODUCT
  2. Create an admin user (the password is read from stdin):
       sudo -u vigia vigia-server --config /etc/vigia/server.yaml user add admin --role admin --password-stdin
  3. Register each edge device; the last line is its token (goes in the device's /etc/vigia/device.token):
       sudo -u vigia vigia-server --config /etc/vigia/server.yaml device add plant-01 --site my-mine
  4. Check: systemctl status $PRODUCT ; the dashboard is at http://<this-machine>:8080/
     Logs: journalctl -u $PRODUCT -f
EOF
  fi
}

case "$ACTION" in
  install) do_install ;;
  rollback) do_rollback ;;
  uninstall | purge) do_uninstall ;;
esac
