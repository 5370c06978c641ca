# Day, month, year: "31 January 2022", as in the British and European English readers use.
DATE_FORMAT = "j F Y"
