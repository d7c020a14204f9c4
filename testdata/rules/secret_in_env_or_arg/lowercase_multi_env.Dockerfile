from node:20-alpine
env NODE_ENV=production \
    # payment provider credentials (do not do this)
# expect: HL1007
    PAYMENT_API_SECRET=Hq7Zp2Lx9Vm4Rt8KwQ3nJ5
user node
cmd ["node", "server.js"]
