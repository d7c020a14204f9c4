FROM node:20-bookworm
RUN apt-get update && apt-get install -y sudo
RUN sudo -u node npm install --global typescript
RUN echo "run sudo visudo to edit" > /README
RUN sudo --user=node npm install --global typescript && sudo -Hu node npm cache clean --force
