"""What every request carries besides its attributes: the nlmsghdr flags of a "new" request.

``ip X add`` sends CREATE|EXCL, ``ip X replace`` CREATE|REPLACE, ``ip X change`` REPLACE
alone; each kind of object reads them its own way (devinet.c, for one, looks only at EXCL).
"""

NLM_F_REPLACE = 0x100  # override an existing object
NLM_F_EXCL = 0x200     # do not touch an existing object: EEXIST
NLM_F_CREATE = 0x400   # create it if it does not exist (else ENOENT)
NLM_F_APPEND = 0x800   # add to the end of the list

ADD = NLM_F_CREATE | NLM_F_EXCL
REPLACE = NLM_F_CREATE | NLM_F_REPLACE
CHANGE = NLM_F_REPLACE
