#!/bin/sh
# Prints create-mail-session.asadmin for this environment: TLS as SMTP_TLS says, and SMTP authentication when
# SMTP_USER is set and not empty:
#   server-config/payara/configure.sh > /tmp/taskq-mail.asadmin
# Run it with the same SMTP_HOST, SMTP_TLS and SMTP_USER as the server. The printed file says ${ENV=SMTP_USER} and
# ${ENV=SMTP_PASSWORD}, not their values: the password is not written to it.
#
# SMTP_TLS (Jakarta Mail properties of the session; the host name is always checked against the certificate):
#   starttls  the connection is upgraded with STARTTLS before anything else, and must be (no clear-text fall-back)
#   tls       TLS from the first byte ("SMTPS", usually port 465)
#   none      no TLS; only for a loopback host when SMTP_USER is set (a password never goes out in clear text)
#   unset     starttls, or none when SMTP_HOST is localhost / 127.x / ::1
set -eu
file="$(dirname "$0")/create-mail-session.asadmin"

case "${SMTP_HOST:-}" in
    localhost | *.localhost | 127.* | ::1 | '[::1]') loopback=yes ;;
    *) loopback=no ;;
esac
tls="${SMTP_TLS:-}"
if [ -z "$tls" ]; then
    if [ "$loopback" = yes ]; then tls=none; else tls=starttls; fi
fi
case "$tls" in
    starttls) properties='mail.smtp.starttls.enable=true:mail.smtp.starttls.required=true:mail.smtp.ssl.checkserveridentity=true' ;;
    tls) properties='mail.smtp.ssl.enable=true:mail.smtp.ssl.checkserveridentity=true' ;;
    none) properties='mail.smtp.starttls.enable=false' ;;
    *) echo "configure.sh: SMTP_TLS must be starttls, tls or none, not '$tls'" >&2; exit 2 ;;
esac
if [ "$tls" = none ] && [ "$loopback" = no ] && [ -n "${SMTP_USER:-}" ]; then
    echo "configure.sh: SMTP_TLS=none with SMTP_USER would send the password in clear text to ${SMTP_HOST:-?};" \
        "use SMTP_TLS=starttls or tls" >&2
    exit 2
fi

auth=''
if [ -n "${SMTP_USER:-}" ]; then
    auth=' --mailuser="${ENV=SMTP_USER}" --password="${ENV=SMTP_PASSWORD}" --auth=true '
fi
# Appends the TLS properties to the port property, and swaps in the credentials when there are any.
sed -e "s/--property=mail.smtp.port=\${ENV=SMTP_PORT}/&:$properties/" \
    -e "${auth:+s/ --mailuser=taskq /$auth/}" "$file"
