# buildpack-deps:<suite>-curl and -scm carry curl/wget and git/hg/svn but no
# compilers: only the bare suite tag is a toolchain image.
FROM buildpack-deps:bookworm-scm AS fetch
RUN git clone --depth 1 https://github.com/example/site.git /site

FROM buildpack-deps:bookworm-curl
COPY --from=fetch /site /srv/site
RUN useradd -r app
USER app
CMD ["/srv/site/serve"]
