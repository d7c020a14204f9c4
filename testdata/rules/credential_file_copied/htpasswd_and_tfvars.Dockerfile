FROM hashicorp/terraform:1.9 AS deploy
WORKDIR /infra
COPY main.tf variables.tf terraform.tfvars.example ./
# expect: HL1010
COPY terraform.tfvars prod.auto.tfvars ./
# expect: HL1010
COPY auth/htpasswd /etc/nginx/htpasswd
COPY htpasswd.conf.sh /usr/local/bin/
