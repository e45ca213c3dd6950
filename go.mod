module github.com/leased/leased

go 1.26
