module github.com/claimsgw/claimsgw

go 1.26.8
