FROM registry.access.redhat.com/ubi9/ubi-minimal
# expect: HL1021
RUN chmod g=u /etc/passwd && \
    # group 0 for arbitrary UIDs
    chgrp 0 /etc/passwd
# expect: HL1021
run chmod -R g+w /etc
# expect: HL1021
RUN chown 1001:0 /etc/shadow
# expect: HL1021
COPY --chown=1001 passwd /etc/passwd
USER 1001
