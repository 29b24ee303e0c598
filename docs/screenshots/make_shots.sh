#!/usr/bin/env bash
# make_shots.sh — every view of the window at 1280x800, 1366x768 and 1920x1080, as a person sees
# it: the app runs on a private Xvfb screen, xdotool clicks Start, waits for the run to end, then
# clicks the view's tabs (and Sample on the VAE tab); the screenshot follows. The font set for
# most views, the emoji set (a VAE) for the latent plane's word labels and the VAE tab.
#
# usage: GUI_SHOT=/path/to/gui-shot.sh bash docs/screenshots/make_shots.sh   (from the checkout)
# needs: Xvfb, xvfb-run, xdotool, ImageMagick; gui-shot.sh runs one program on a private screen,
#        clicks (XDO_ACTIONS) and saves OUT-after.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=docs/screenshots
GUI_SHOT=${GUI_SHOT:?set GUI_SHOT to gui-shot.sh}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
display=120
for size in 1280x800 1366x768 1920x1080; do
  for set in font emoji; do
    builtin=$([ $set = emoji ] && echo emoji12x12 || echo font5x7)
    XDG_CONFIG_HOME=$TMP/c QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 ${size}x24" \
      .venv/bin/python $OUT/tab_positions.py $builtin > "$TMP/pos.json" 2>/dev/null
    at() { python3 -c "import json,sys; print(*json.load(open('$TMP/pos.json'))[sys.argv[1]])" "$1"; }
    if [ $set = font ]; then
      views="Latent_space Reconstructions Denoising Noise_sweep PCA_vs_AE Interpolation Runs"; train=4
    else
      views="Latent_space VAE"; train=10
    fi
    read -r _ height < <(at window)
    for view in $views; do
      read -r sx sy < <(at start)
      read -r ox oy ix iy < <(at "${view//_/ }") || true
      acts="mousemove $sx $sy click 1 sleep $train mousemove $ox $oy click 1 sleep 0.8"
      [ -n "${ix:-}" ] && acts="$acts mousemove $ix $iy click 1 sleep 0.5"
      if [ "$view" = VAE ]; then read -r bx by < <(at sample); acts="$acts mousemove $bx $by click 1 sleep 0.5"; fi
      acts="$acts mousemove 150 $((height - 6))"  # park the mouse where no tooltip opens
      name=$(echo "$size-$set-$view" | tr 'A-Z_' 'a-z-')
      mkdir -p "$TMP/$name/c/AutoencoderLab"  # the window opens the set its settings name
      if [ $set = emoji ]; then
        printf '[data]\nbuiltin=emoji12x12\n' > "$TMP/$name/c/AutoencoderLab/Autoencoder Lab.conf"
      fi
      XDG_CONFIG_HOME=$TMP/$name/c XDG_DATA_HOME=$TMP/$name/d DISPLAY_NUM=$display SCREEN=${size}x24 \
        XDO_ACTIONS="$acts" AFTER_WAIT=3 XDO_TIMEOUT=60 \
        "$GUI_SHOT" "$TMP/$name.png" 5 -- .venv/bin/python main.py >/dev/null &
      display=$((display + 1))
      ix=""
    done
    wait
    for view in $views; do
      name=$(echo "$size-$set-$view" | tr 'A-Z_' 'a-z-')
      mv "$TMP/$name-after.png" "$OUT/$name.png"
    done
  done
done
ls "$OUT"/*.png | wc -l
