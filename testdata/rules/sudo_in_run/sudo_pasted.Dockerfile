FROM ubuntu:24.04
# expect: HL1033
RUN sudo apt-get update \
 && sudo apt-get install -y curl
# expect: HL1033
RUN sudo apt-get -u upgrade -y
