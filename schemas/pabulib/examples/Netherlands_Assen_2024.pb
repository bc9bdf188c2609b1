META
key;value
description;Assen Top Idee
country;Netherlands
unit;Assen
instance;2024
num_projects;14
num_votes;84
budget;100000
vote_type;approval
rule;equalshares/add1
date_begin;31.03.2024
date_end;15.04.2024
min_length;2
language;nl
currency;EUR
comment;#1: Young people between the ages of 12 and 27 could vote
PROJECTS
project_id;cost;votes;name;selected;description
3;7200;43;PopUp Podium;1;12x per jaar zal er een PopUp Podium opduiken in de stad
9;21000;42;Jongerenplatform;1;Begrip streeft ernaar een centraal platform te creëren voor
8;40000;25;Crossbaan in Peelo;0;Een baan in Peelo waar je kunt steppen, skaten, fietsen en
2;10000;24;Go-Zero kroegentocht;1;Jongeren kunnen hun eigen muzieksmaak ontdekken
11;15000;24;Muziekproductie studio;1;Studio waar elektronische muziek geproduceerd kan
1;40000;23;Scooter Night Ride;0;Tijdens de TT Assen voor jongeren tussen de 17 en 22 jaar
13;1000;21;Samen koken en eten;1;Onder jongeren is er behoefte om nieuwe mensen te
10;50000;19;Synthetische lichten;0;Hoe mooi en romantisch zou het zijn om sterren te hebben
14;5000;14;In gesprek;1;Op school leer je wel wiskunde en nederlands maar wie
5;5000;13;LGBTQ+ bijeenkomsten;1;Leuke en gezellige bijeenkomsten voor LGBTQ+ jeugdigen
6;11000;10;Snelheidsregeling;1;Een fatbike-apparaat voor snelheidsregeling voor de
7;12000;10;RuBox;0;Een opvallend vormgegeven QR-code voor een 'glazen
12;1500;9;Uitdelen Korans;1;Ik wil graag de dialoog aangaan met mensen uit Assen
4;30000;8;Gedichtenroute;0;Een route door de stad Assen aan de hand van gedichten
VOTES
voter_id;vote
vote01006bcf-62b6-435d-a0de-2966c3e75249;1,2,6,9,13
vote02bb4517-a1b0-4aba-be48-8c195184c058;1,2,10
vote046173fb-2020-434c-8996-228dbd840ad5;1,3
vote067948a9-1d56-48d1-9b79-909daa4eed36;3,7,9,13
vote0736eebc-f9fc-4cc3-bafc-20f0abb8d525;4,13
vote0ef69c3b-bd10-4fb8-bdb7-e8c77361380a;1,2,3,10,11
vote10a23e46-1dcc-4fb6-870a-60bf5797b1b5;1,9,12,13,14
vote1249ea76-67f3-47e7-832c-664368d1fcd0;2,3,13
vote1873aed7-354e-4383-b5fe-c69649a7d45a;2,3,5,7,9,11,12,13,14
vote1c150ebe-5ff2-4b14-8ddb-5158b40b4df0;2,3,13
vote1ec9a776-27df-47f8-89d6-69fe073bfe71;3,5
vote1f089252-9a2d-4162-90b3-0c72b77c9e16;3,9
vote25b5f385-152e-42ed-8746-c144f2d6b6b7;1,3
vote2d7c54a6-2abd-4aee-a6a9-cb19b6236ebe;1,3
vote377e8016-712f-4397-bda6-78f15f57d1e1;2,5,6,9
vote3adae741-d2ff-4ef9-bb39-3bf94755cd07;3,7,8,10,13
vote3c35932f-7d42-4e62-b627-8cb1f6b3928e;3,14
vote3e763370-906b-4811-9f3c-d8fe64491d41;3,9
vote42689692-98c0-4b5f-8110-28b854d9cfb7;1,2,7,9,13
vote42e09308-3eb0-403c-972c-90fbe4f027a3;3,9,14
vote43a3e5a1-6358-4eb9-870a-cfd758c9fd43;9,10
vote44681692-b943-4566-8868-b74a0562130f;1,2,3,7,10,11,13
vote46a6a5b2-5748-4c30-99d7-aa3625e3f2d7;3,10,11
vote4e7c80bc-2d9e-4698-9949-cf056336ba3b;3,9
vote55426b2a-f74c-4205-a218-88dc36464f87;1,3
vote55c9db5a-3ca8-48ea-90e9-f0db328ff9d9;3,9,11
vote57c3c27b-b574-4ca7-8513-e01ce4384f98;3,9
vote57e290f5-e871-4739-ae52-ace3babedc97;3,4,10,13
vote595e1c2f-37da-4740-ba59-5e85ba457e8c;3,4,5,7,9,12,14
vote62272b10-6a8f-477e-bbba-7e126f3cab59;6,9,10,12
vote676020b6-ebdb-4d2e-89b4-3796448c8795;3,9
vote67db1e95-f4b3-4991-80ea-dbda5a244824;3,7
vote68e9ea1d-d150-4d68-b995-dd5c0e8a49b8;3,5,9,11,12,13
vote695c8bb2-5b44-4a08-b5fb-3b33fde25b63;2,8,11
vote6b5110b0-09ec-4ec8-aed7-11af312bf431;1,2,4,10,11,13
vote6bbdb936-a7e3-456a-81c3-c3d2597f82d8;1,2,8,9
vote77914d10-6b32-4ebb-a14f-23670795c570;6,9,14
vote7a39a4d6-27b4-43f3-8deb-f99f6f17277f;6,10,13
vote7cb119b7-ad56-47a5-bb9f-e9df284d6dea;3,5,9,13,14
vote813a94ce-8810-4668-a391-0cddce2f0eb7;1,5,8
vote81d2b3cc-a99d-49ca-8dc5-4dc29b6851de;12,14
vote839087b9-5a04-4751-bbdd-619de7060f90;2,3,11,12
vote8419d828-1b02-4994-9ca9-efd38a6bfe53;3,4,5,9,13
vote841f9b8d-342e-4e59-b571-dd7184b0eb98;1,2,8,10,11,13
vote871e2597-4fda-4ed5-b782-6ef9320009fd;3,9,11,14
vote8840ab7e-7be6-4da3-92dc-02408f6e2f53;6,14
vote89d751ae-a035-434e-8362-2c7943d09fe0;1,8
vote8af0c706-9cfd-46ca-b1ee-60ad911a2052;2,8,10,14
vote8b859ca4-5902-450b-b7ec-20776e17d03f;8,9,10,12
vote927e4838-9f4a-4618-8243-aaf75bf12815;9,11
vote990b5e62-d3b9-4d5e-91dd-efbc9ceada41;2,3,11
vote99c0fc40-e240-43c7-ac13-44b0ee4fb267;1,2,3,9
vote9de5e7ce-196e-4076-a5a5-54179ae6b23b;3,8,9
votea24df12e-f97a-43a3-81a3-a1c0f4d63e39;3,9
votea44d2d90-57f5-448e-9157-744fafe358b1;3,9
votea59502b2-9661-4ac0-8a21-d4eb5b19913d;1,3,7,10,11,13
votea7f8dd39-c8db-4bb6-b80a-de3be12cacae;2,8,9
voteacfb715d-8a1c-4556-afd1-fa19732fc5f3;3,9
votead6ffd3f-6323-47be-9d30-099e993c5f8d;1,8
voteb33652dc-a35a-487e-a599-8d2d9404641c;8,9
voteb58c6a86-1254-4982-a3bc-5ecea19e46dc;5,9,11,14
voteb7b435e6-181e-48f7-a231-e240e48ebf1c;3,7,8,10,11
voteb8de3f36-d0c4-4602-9054-4a10ec38e633;8,9
votec0e515b1-56e9-4e68-8c14-9fbded2bd30b;2,8
votec5506e1e-3a3e-475a-85f7-cd3d5bad79b5;2,3,5,11
votec7a96b17-93e5-47a9-a84b-4eb242e644f1;2,3,5,9,11,12
votec9f29c6d-778b-40cd-b7e4-02c2a7d3374d;6,10,14
voteca7181e5-b97b-49ad-913e-0c6b49c3c18c;8,9
voted649ca7e-70b0-483c-9c66-e05df124e4d5;1,2
voted6c551b6-3923-4b27-86de-7db1aa966dd0;6,8
voted7d5dafa-2918-4fa6-b79e-f42a6e7746f2;8,9
voted933bb25-83b0-4dda-bf7a-64e2be706c83;1,2,9,11
voteda226f0a-7671-4788-8fba-0ab347490e12;3,5,9,13
votedc90fe56-f0fe-4f7b-9c27-6eda4770b0c5;8,11,13
votedd3cf2e6-76fc-4d36-8719-982c03e3f4bc;4,9
votedf9547b5-8887-4adc-b8b0-b8cbebde9c76;1,6,8,11
votee0daaa8a-3aa6-42f9-bbe9-ddd301c3c270;4,7,8
votee176255c-5246-4462-afa8-4ace7361a16a;1,3,4,8,9,10,11,14
votee4e87018-ff5b-43f8-9e86-710fbdb310c4;5,6,9
votee5133433-bf9d-44e8-9a89-119bd018b29e;3,11,13
voteeb39f005-1b05-426a-b1f8-e8dec2d9f6ef;8,10
voteedbb15a8-d942-4a20-b920-86be970973fc;2,3,10,11
votef926742a-9f62-4664-ae8e-d961ae92406d;8,9
votefe1aa1ff-44f1-4fa1-8737-72978179d8e5;1,8
