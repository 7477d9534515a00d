# One image for the worker and the API (the command picks the role).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Compiled JS (scripts/build.ts): worker processes are ~50 MiB lighter than under tsx.
RUN npx tsx scripts/build.ts
ENV NODE_ENV=production
CMD ["node", "dist/api/main.js"]
