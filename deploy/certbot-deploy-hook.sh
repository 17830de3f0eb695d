#!/bin/sh
# /etc/letsencrypt/renewal-hooks/deploy/threshold.sh — after certbot gets or renews the portal's
# certificate, hand a copy to Threshold (readable by its group only) and restart it. A restart
# logs nobody out: sessions are restored and the kernel kept enforcing them meanwhile.
set -eu
NAME="${THRESHOLD_PORTAL_NAME:-portal.riverside-library.example}"
DEST=/etc/threshold/tls

case " ${RENEWED_DOMAINS:-$NAME} " in
  *" $NAME "*) ;;
  *) exit 0 ;;
esac

install -d -o root -g threshold -m 0750 "$DEST"
install -o root -g threshold -m 0640 "$RENEWED_LINEAGE/fullchain.pem" "$DEST/fullchain.pem"
install -o root -g threshold -m 0640 "$RENEWED_LINEAGE/privkey.pem" "$DEST/privkey.pem"
systemctl try-restart threshold.service
