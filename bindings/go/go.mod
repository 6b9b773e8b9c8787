module ohsandbox.example/ohsandbox

go 1.19
