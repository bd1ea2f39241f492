"""ClickHouse access: the client factory, and the SQL lexer that the schema migrations (and the local
server in ``billbo.local``) read statements with."""
